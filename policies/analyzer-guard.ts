/**
 * A wire-format check in front of the analyzer service's request decoding, so one malformed
 * message gets an error status instead of stalling the pack.
 *
 * Why: google-protobuf (3.21) trusts every length prefix. A string is read byte by byte for its
 * declared length even past the end of the buffer (the bytes there are `undefined`, which ends
 * nothing), and a nested message's end may lie past it too, so `0x1a 0xff 0xff 0xff 0xff 0x0f` (an
 * URN four gigabytes long) keeps the one Node.js thread busy for more than a minute, answering no
 * other call. grpc-js turns a decoder that throws into an INTERNAL status and carries on, so the
 * check throws before google-protobuf sees a length it cannot keep to.
 *
 * The overrun may hide inside a field whose own length is fine (a property name inside the
 * properties Struct), so the check descends into exactly the fields google-protobuf decodes as
 * messages. Only the schema tells a message from a string or bytes, and it is read from the
 * generated classes themselves (`shapeOf`), so it follows @pulumi/pulumi upgrades instead of
 * copying analyzer.proto here.
 *
 * Oversized messages need nothing here: @pulumi/policy's server already sets
 * grpc.max_receive_message_length (400 MiB, what the engine may send), and grpc-js refuses a
 * longer message with RESOURCE_EXHAUSTED on its 5-byte frame header, before buffering any of it.
 *
 * A well-formed request may still leave out a resource's `properties` (an empty Struct is the
 * same value, but a field left out is legal proto3 and reads as its default): @pulumi/policy
 * calls `getProperties().toJavaScript()` on every resource, its provider and each policy's config,
 * so it threw a TypeError and sent its stack trace back. The decoded request gets an empty Struct
 * wherever one is absent, which is how proto3 reads it.
 *
 * grpc-js sends only "Error deserializing request"; with GRPC_NODE_DEBUG_SEND_ERROR_DETAILS=true
 * in the pack's environment the status also says what was wrong and where.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";

/** Field number -> the shape of the message it holds; fields absent are scalars, strings or bytes. */
type Shape = Map<number, Shape>;

type MessageClass = { new (): Record<string, unknown>; prototype: object };

/** The jspb.Message statics a generated getter calls with the class and number of a message field. */
type JspbMessage = {
  getWrapperField(message: unknown, type: MessageClass, field: number, required?: number): unknown;
  getRepeatedWrapperField(message: unknown, type: MessageClass, field: number): unknown;
  getMapField(message: unknown, field: number, noLazyCreate: boolean, valueType?: MessageClass): unknown;
};

/**
 * Messages open at once, the top one included: Go protobuf's default recursion limit, some 3 000
 * levels of nested properties. It bounds the check's own stack of open messages.
 */
export const MAX_DEPTH = 10_000;

const LENGTH_DELIMITED = 2;

/**
 * Which fields of `type` hold messages, and their shapes: every getter of a fresh instance is called
 * while jspb.Message's message-field accessors note the classes and numbers they are asked for.
 * jspb.Message is taken from the class's own prototype chain, the very copy its getters call.
 */
function shapeOf(type: MessageClass, shapes = new Map<MessageClass, Shape>()): Shape {
  const known = shapes.get(type);
  if (known) return known;
  const shape: Shape = new Map();
  shapes.set(type, shape);
  const jspb = Object.getPrototypeOf(type.prototype).constructor as JspbMessage;
  const { getWrapperField, getRepeatedWrapperField, getMapField } = jspb;
  const found: [field: number, type: MessageClass | undefined, mapEntry: boolean][] = [];
  jspb.getWrapperField = function (message, of, field, required) {
    found.push([field, of, false]);
    return getWrapperField.call(this, message, of, field, required);
  };
  jspb.getRepeatedWrapperField = function (message, of, field) {
    found.push([field, of, false]);
    return getRepeatedWrapperField.call(this, message, of, field);
  };
  jspb.getMapField = function (message, field, noLazyCreate, valueType) {
    found.push([field, valueType, true]);
    return getMapField.call(this, message, field, noLazyCreate, valueType);
  };
  try {
    const instance = new type();
    for (const name of Object.getOwnPropertyNames(type.prototype)) {
      if (name.startsWith("get") && typeof instance[name] === "function") (instance[name] as () => unknown)();
    }
  } finally {
    Object.assign(jspb, { getWrapperField, getRepeatedWrapperField, getMapField });
  }
  for (const [field, of, mapEntry] of found) {
    // A map field is a repeated entry message: key 1, value 2, the value a message only if typed so.
    if (mapEntry) shape.set(field, new Map(of ? [[2, shapeOf(of, shapes)]] : []));
    else if (of) shape.set(field, shapeOf(of, shapes));
  }
  return shape;
}

/**
 * What is wrong with `bytes` as a message of `shape`, or undefined if google-protobuf can decode it
 * in one pass: every tag, varint and fixed-width value complete within its message, every length
 * within its message, no groups (proto3 has none), nesting at most MAX_DEPTH. Iterative, so a deep
 * message costs an array entry per level, not a stack frame.
 */
function malformation(bytes: Uint8Array, shape: Shape): string | undefined {
  const open = [{ shape, end: bytes.length }];
  let at = 0;
  /** The varint at `at` within `end`, at most `maxBytes` long, or undefined. */
  const varint = (end: number, maxBytes: number): number | undefined => {
    let value = 0;
    for (let i = 0; i < maxBytes && at < end; i++) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** (7 * i);
      if (byte < 0x80) return value;
    }
    return undefined;
  };
  while (open.length > 0) {
    const message = open[open.length - 1];
    if (at === message.end) {
      open.pop();
      continue;
    }
    const start = at;
    const tag = varint(message.end, 5);
    if (tag === undefined || tag > 0xffffffff) return `the field tag at byte ${start} is cut off or longer than 5 bytes`;
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field === 0) return `field number 0 at byte ${start}`;
    const nested = message.shape.get(field);
    if (nested && wireType !== LENGTH_DELIMITED) return `field ${field} at byte ${start} holds a message but has wire type ${wireType}`;
    if (wireType === 0) {
      if (varint(message.end, 10) === undefined) return `the varint of field ${field} at byte ${start} is cut off or longer than 10 bytes`;
    } else if (wireType === 1 || wireType === 5) {
      at += wireType === 1 ? 8 : 4;
      if (at > message.end) return `the ${wireType === 1 ? 8 : 4}-byte value of field ${field} at byte ${start} runs past the end of its message`;
    } else if (wireType === LENGTH_DELIMITED) {
      const length = varint(message.end, 10);
      if (length === undefined) return `the length of field ${field} at byte ${start} is cut off or longer than 10 bytes`;
      if (length > message.end - at) return `field ${field} at byte ${start} declares ${length} bytes, past the end of its message`;
      if (!nested) at += length;
      else if (open.length === MAX_DEPTH) return `messages nested deeper than ${MAX_DEPTH} at byte ${start}`;
      else open.push({ shape: nested, end: at + length });
    } else {
      return `wire type ${wireType} (${wireType === 3 || wireType === 4 ? "a group, which proto3 has not" : "not a protobuf wire type"}) at byte ${start}`;
    }
  }
  return undefined;
}

type Deserialize = (bytes: Buffer) => unknown;

/** The parts of a decoded request that carry `properties`: a resource, its provider, a policy's config. */
interface WithProperties {
  getProperties?(): Struct | undefined;
  setProperties?(value: Struct): void;
  getProvider?(): WithProperties | undefined;
  getResourcesList?(): WithProperties[];
  getPolicyconfigMap?(): { forEach(each: (value: WithProperties) => void): void };
}

/** Sets an empty Struct wherever `properties` is absent in `message`, its resources, their providers and its policy configs. */
function withPropertiesRead(message: WithProperties): void {
  if (message.getProperties && message.setProperties && message.getProperties() === undefined) message.setProperties(new Struct());
  const provider = message.getProvider?.();
  if (provider) withPropertiesRead(provider);
  for (const resource of message.getResourcesList?.() ?? []) withPropertiesRead(resource);
  message.getPolicyconfigMap?.().forEach(withPropertiesRead);
}

/**
 * Puts the check in front of every request decoder of the analyzer service definition that
 * @pulumi/policy's server registers. Call it before `new PolicyPack(...)`, which starts that server
 * and reads the decoders once, when it adds the service.
 */
export function guardAnalyzerRequests(): void {
  const service = analyzerRpc.AnalyzerService as unknown as Record<string, { path: string; requestType: MessageClass; requestDeserialize: Deserialize }>;
  for (const method of Object.values(service)) {
    const decode = method.requestDeserialize;
    const shape = shapeOf(method.requestType);
    method.requestDeserialize = (bytes) => {
      const wrong = malformation(bytes, shape);
      if (wrong) throw new Error(`malformed ${method.path} request: ${wrong}`);
      const request = decode(bytes);
      withPropertiesRead(request as WithProperties);
      return request;
    };
  }
}
