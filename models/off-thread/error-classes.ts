/**
 * The error classes a function run off-thread may throw, by `name`, so that the caller gets the same class back
 * (`instanceof` and its fields hold across the thread boundary: models/off-thread/off-thread.ts).
 */
import { ClipFileError } from '../clip/convert-clip.js';
import { IpAdapterFileError } from '../ip-adapter/weights.js';
import { CheckpointKindError } from '../ldm/errors.js';
import { SafetensorsError } from '../safetensors/read.js';
import { WeightKeyError } from '../weights/errors.js';

export const ERROR_CLASSES: Readonly<Record<string, { prototype: Error }>> = {
  // parseJson's errors (server/protocol/json-plan-body.ts) and other built-in ones keep their class too.
  SyntaxError,
  TypeError,
  RangeError,
  ClipFileError,
  IpAdapterFileError,
  CheckpointKindError,
  SafetensorsError,
  WeightKeyError,
};
