/** An OpenAPI response for a file download (PDF, CSV): its bytes are sent as they are, not serialised. */
export function fileResponse(mediaType: string, description: string): Record<string, unknown> {
  return { description, content: { [mediaType]: { schema: { type: 'string', format: 'binary' } } } };
}
