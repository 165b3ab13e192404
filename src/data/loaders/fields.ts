const WHITESPACE = /\s+/;
const WHOLE_NUMBER = /^\d+$/;

/** The whitespace-separated fields of a line; none for a blank line. */
export function whitespaceFields(line: string): string[] {
  const trimmed = line.trim();
  return trimmed === '' ? [] : trimmed.split(WHITESPACE);
}

/** Whether a field is a non-negative integer written in plain digits (the id format of these files). */
export function isWholeNumber(field: string): boolean {
  return WHOLE_NUMBER.test(field);
}

/** The first field that is not a whole number, with its role, as a reason for a malformed line; or null. */
export function nonNumericId(fields: readonly string[], role: (index: number) => string): string | null {
  const index = fields.findIndex((field) => !isWholeNumber(field));
  return index < 0 ? null : `${role(index)} "${fields[index]}" is not a whole number`;
}
