import { z } from 'zod';

/**
 * Length limits shared by every schema. They keep a malformed file (a 1 MB id pasted by accident)
 * from flowing into MQTT topics, log lines and error messages, and keep validation time linear.
 */
export const LIMITS = {
  /** Longest id (controller, enclosure, sensor, actuator), characters. */
  idChars: 64,
  /** Longest display name, characters. */
  nameChars: 200,
  /** Longest file-system path, characters (Linux PATH_MAX is 4096 bytes). */
  pathChars: 4096,
  /** Longest free text (profile notes, sources), characters. */
  textChars: 10_000,
} as const;

/** An id: lowercase letters, digits, `-` and `_`, starting with a letter or digit, at most 64 characters. */
export const Id = z
  .string()
  .max(LIMITS.idChars, `at most ${LIMITS.idChars} characters`)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, - and _ only');

/** A display name: 1..200 characters. */
export const Name = z.string().min(1).max(LIMITS.nameChars, `at most ${LIMITS.nameChars} characters`);

/** A file-system path: 1..4096 characters. */
export const PathString = z.string().min(1).max(LIMITS.pathChars, `at most ${LIMITS.pathChars} characters`);

/** Free text: at most 10,000 characters. */
export const Text = z.string().max(LIMITS.textChars, `at most ${LIMITS.textChars} characters`);
