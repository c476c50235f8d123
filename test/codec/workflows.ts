import { ApplicationFailure } from '@temporalio/workflow';

/** The part of an Okta user profile the encryption tests send through a workflow. */
export interface TestProfile {
  login: string;
  firstName: string;
  lastName: string;
  mobilePhone: string;
}

/** Receives a profile and returns it, so it is in the history twice: as input and as result. */
export async function echoProfile(profile: TestProfile): Promise<TestProfile> {
  return profile;
}

/** Fails with the profile's login in the failure message, as a real action might. */
export async function rejectProfile(profile: TestProfile): Promise<never> {
  throw ApplicationFailure.nonRetryable(`Cannot provision ${profile.login}`, 'TestRejected');
}
