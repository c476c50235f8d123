import { randomInt } from 'node:crypto';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A new Okta-style object id: a 3-character type prefix (`00u` user, `00g` group, `0oa` app) and 17
 * base62 characters (`0pr` a group rule, `ra1` a role assignment). `random(n)` picks an index below `n`; the seed passes its deterministic one.
 *
 * @example newOktaId('00u') // '00uQx1x8rT0bYd6dA2Kt7'
 */
export function newOktaId(
  prefix: '00u' | '00g' | '0oa' | '0pr' | 'ra1',
  random: (n: number) => number = randomInt,
): string {
  let id = prefix;
  for (let i = 0; i < 17; i++) id += ID_ALPHABET[random(ID_ALPHABET.length)];
  return id;
}
