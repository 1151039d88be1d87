// Public surface of the model: IR types and the small pure helpers around them.
export * from './ir.ts';
export * from './sourceText.ts';
export * from './priorities.ts';
export * from './compare.ts';
export * from './summary.ts';
