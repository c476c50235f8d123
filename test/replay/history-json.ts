/**
 * Histories as JSON, in the form `temporal workflow show --output json`, the Web UI's download and the
 * SDK's `historyToJSON` write, and `Worker.runReplayHistories` reads.
 *
 * Why not the SDK's own `historyToJSON`/`historyFromJSON` (`@temporalio/common/lib/proto-utils`): in this
 * dependency tree each `@temporalio/*` package nests its own copy of protobufjs 8 (the top level holds
 * @grpc/proto-loader's protobufjs 7), and `@temporalio/common`'s copy refuses the history type of
 * `@temporalio/proto`'s copy ("type must be a Type"). So they throw, and so does `runReplayHistories`
 * when handed a JSON history. These two functions do the same conversion with the protobufjs copy that
 * the history type belongs to, and the replay test hands `runReplayHistories` decoded histories.
 */
import { createRequire } from 'node:module';
import proto from '@temporalio/proto';

type History = proto.temporal.api.history.v1.IHistory;
/** A reflected protobufjs type (opaque here). */
type HistoryType = object;

interface ProtoJson {
  toJson(type: HistoryType, message: unknown): unknown;
  fromJson(type: HistoryType, json: unknown, options?: { ignoreUnknownFields?: boolean }): History;
}

const fromProtoPackage = createRequire(createRequire(import.meta.url).resolve('@temporalio/proto'));
const protojson = fromProtoPackage('protobufjs/ext/protojson') as ProtoJson;
// The package's root is a reflection root (json-module), whose lookupType its typings leave out.
const root = proto as unknown as { lookupType(name: string): HistoryType };
const historyType = root.lookupType('temporal.api.history.v1.History');

/** A history as one line of JSON. */
export function historyToJson(history: History): string {
  return JSON.stringify(
    protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)),
  );
}

/** A history from its JSON (tolerating fields a newer server added). */
export function historyFromJson(json: unknown): History {
  // Like the SDK's reader: a history written by a newer server or SDK may hold fields this one lacks.
  return protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
}
