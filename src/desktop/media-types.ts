// Runtime-neutral: the 17 extension → media type mappings of Bytebot's read_file (B§4.4).

const MEDIA_TYPES: Record<string, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  doc: "application/msword",
  txt: "text/plain",
  html: "text/html",
  json: "application/json",
  xml: "text/xml",
  csv: "text/csv",
  rtf: "application/rtf",
  odt: "application/vnd.oasis.opendocument.text",
  epub: "application/epub+zip",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  svg: "image/svg+xml",
};

/** The media type for a file name; application/octet-stream for anything else. */
export function mediaTypeOf(name: string): string {
  const dot = name.lastIndexOf(".");
  const ext = dot >= 0 ? name.slice(dot + 1).toLowerCase() : "";
  return (Object.hasOwn(MEDIA_TYPES, ext) ? MEDIA_TYPES[ext] : undefined) ?? "application/octet-stream";
}
