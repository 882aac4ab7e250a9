/** `geoPoint`: a `{lon, lat}` coordinate stored as a JSON object. */
import { z } from "zod";
import { defineFieldType, fieldBaseShape, requiredShape, requireNonZero } from "./field-type";

const schema = z.object({ ...fieldBaseShape, ...requiredShape, type: z.literal("geoPoint") });

/** A `geoPoint` field definition. */
export type GeoPointField = z.output<typeof schema>;

/** A coordinate in degrees. */
export interface GeoPoint {
  lon: number;
  lat: number;
}

const point = z.object({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) });

function castPoint(value: unknown): unknown {
  if (value === null || value === undefined || value === "") return { lon: 0, lat: 0 };
  if (typeof value === "string") {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

/** The `geoPoint` field type. */
export const geoPointField = defineFieldType<GeoPointField>({
  type: "geoPoint",
  schema,
  column: () => `JSON DEFAULT '{"lon":0,"lat":0}' NOT NULL`,
  isMulti: () => false,
  zeroValue: () => ({ lon: 0, lat: 0 }),
  valueSchema: (f) =>
    requireNonZero(
      z.preprocess(castPoint, point).transform((p): GeoPoint => ({ lon: p.lon, lat: p.lat })),
      f.required,
      (p) => p.lon === 0 && p.lat === 0,
    ),
  encode: (v) => JSON.stringify(v ?? { lon: 0, lat: 0 }),
  decode(v) {
    const parsed = point.safeParse(castPoint(v));
    return parsed.success ? parsed.data : { lon: 0, lat: 0 };
  },
});
