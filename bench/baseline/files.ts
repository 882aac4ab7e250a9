/**
 * The baseline's file endpoints (scenarios/files.mjs), written by hand with Hono + drizzle + R2: records with an
 * attachment (the work Edgebase's file fields do), and bare R2 objects with no record (what the record costs).
 */
import { and, eq, ne } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { Hono } from "hono";
import { newId } from "./ids";
import { baselineFiles } from "./schema";

interface FilesEnv {
  DB: D1Database;
  FILES: R2Bucket;
}

/** Largest accepted upload (Edgebase's default for a file field without maxSize). */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Types a browser would run script in: served as attachments, never inline (as Edgebase does). */
const ACTIVE_TYPE = /html|svg|xml|javascript/;

const notFound = { status: 404, message: "Not found.", data: {} };

/** The one `file` part of a multipart body, or an error answer's message. */
async function uploadedFile(req: Request): Promise<File | string> {
  const form = await req.formData().catch(() => null);
  const file = form?.get("file");
  if (!(file instanceof File)) return "Missing file.";
  if (file.size > MAX_FILE_BYTES) return "Too large.";
  return file;
}

/** The client's file name reduced to characters that are safe in an object key and a header. */
function safeName(name: string): string {
  return (
    name
      .replace(/[^\w.-]/g, "_")
      .replace(/^\.+/, "")
      .slice(0, 100) || "file"
  );
}

/** An R2 object as a download, with the headers a browser needs. */
function download(object: R2ObjectBody, filename: string): Response {
  const type = object.httpMetadata?.contentType ?? "application/octet-stream";
  const kind = ACTIVE_TYPE.test(type) ? "attachment" : "inline";
  return new Response(object.body, {
    headers: {
      "content-type": type,
      "content-disposition": `${kind}; filename="${filename}"`,
      etag: object.httpEtag,
      "content-length": String(object.size),
    },
  });
}

/** The file routes, mounted by the baseline's entry. */
export const fileRoutes = new Hono<{ Bindings: FilesEnv }>();

// A record with an attachment: the object under `<record id>/<file name>`, then the row that names it. If the
// insert fails, the object is removed again so no unreferenced file stays behind.
fileRoutes.post("/records", async (c) => {
  const file = await uploadedFile(c.req.raw);
  if (typeof file === "string") return c.json({ status: 400, message: file, data: {} }, 400);
  const id = newId();
  const name = safeName(file.name);
  const key = `${id}/${name}`;
  await c.env.FILES.put(key, file, {
    httpMetadata: { contentType: file.type || "application/octet-stream" },
  });
  const created = new Date().toISOString().replace("T", " ");
  try {
    const [row] = await drizzle(c.env.DB)
      .insert(baselineFiles)
      .values({ id, file: name, created })
      .returning();
    return c.json(row, 201);
  } catch (err) {
    await c.env.FILES.delete(key).catch(() => {});
    throw err;
  }
});

// The download reads the record first: the file must be the one it names, and the guarded collection's rule
// (`id != ''` in the bench) is one more condition of the same SELECT.
fileRoutes.get("/records/:id/files/:name", async (c) => {
  const { id, name } = c.req.param();
  const row = await drizzle(c.env.DB)
    .select({ file: baselineFiles.file })
    .from(baselineFiles)
    .where(and(eq(baselineFiles.id, id), ne(baselineFiles.id, "")))
    .get();
  if (row?.file !== name) return c.json(notFound, 404);
  const object = await c.env.FILES.get(`${id}/${name}`);
  if (!object) return c.json(notFound, 404);
  return download(object, name);
});

// Bare objects: a random key, no record, any key served. The lower bound of what a file upload and download cost.
fileRoutes.post("/files", async (c) => {
  const file = await uploadedFile(c.req.raw);
  if (typeof file === "string") return c.json({ status: 400, message: file, data: {} }, 400);
  const key = `${newId()}_${safeName(file.name)}`;
  await c.env.FILES.put(key, file, {
    httpMetadata: { contentType: file.type || "application/octet-stream" },
  });
  return c.json({ key }, 201);
});

fileRoutes.get("/files/:key", async (c) => {
  const object = await c.env.FILES.get(c.req.param("key"));
  if (!object) return c.json(notFound, 404);
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  headers.set("etag", object.httpEtag);
  headers.set("content-length", String(object.size));
  return new Response(object.body, { headers });
});
