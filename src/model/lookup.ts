// Lookup tables keyed by words of pasted text. Imports nothing.

/** The same object, without a prototype: pasted text chooses the key, and `table['constructor']`,
 *  `table['__proto__']` or `table['toString']` must find nothing instead of an Object.prototype member
 *  (a function where a port number or an option spec was expected). */
export function lookupTable<T extends object>(table: T): T {
  return Object.setPrototypeOf(table, null) as T;
}
