/** The notebooks group of the API. Filled in by the issue that owns it. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NotebooksApi {}
