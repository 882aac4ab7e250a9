import { describe, expect, it } from "vitest";
import { decodeValue } from "../../../src/collections";
import { codecTable, defineField, optionsTable, valueTable } from "./table";

describe("geoPoint field", () => {
  describe("options", () => {
    optionsTable("geoPoint", [{}, { required: true }], [[{ required: "no" }, "required"]]);
  });

  describe("values", () => {
    valueTable(
      defineField({ type: "geoPoint" }),
      [
        [
          { lon: 13.4, lat: 52.5 },
          { lon: 13.4, lat: 52.5 },
        ],
        [
          { lon: -180, lat: 90 },
          { lon: -180, lat: 90 },
        ],
        ['{"lon":1,"lat":2}', { lon: 1, lat: 2 }],
        [
          { lon: 1, lat: 2, extra: true },
          { lon: 1, lat: 2 },
        ],
        [null, { lon: 0, lat: 0 }],
        ["", { lon: 0, lat: 0 }],
      ],
      [
        [{ lon: 181, lat: 0 }, "validation_invalid_value"],
        [{ lon: 0, lat: -90.5 }, "validation_invalid_value"],
        [{ lon: "1", lat: 2 }, "validation_invalid_value"],
        [{ lon: 1 }, "validation_invalid_value"],
        ["nowhere", "validation_invalid_value"],
      ],
    );
    valueTable(
      defineField({ type: "geoPoint", required: true }),
      [],
      [[{ lon: 0, lat: 0 }, "validation_required"]],
    );
  });

  describe("storage", () => {
    const field = defineField({ type: "geoPoint" });
    codecTable(field, `JSON DEFAULT '{"lon":0,"lat":0}' NOT NULL`, [
      { lon: 13.4, lat: 52.5 },
      { lon: 0, lat: 0 },
    ]);
    it("decodes an unreadable stored value as the zero point", () => {
      expect(decodeValue(field, "garbage")).toEqual({ lon: 0, lat: 0 });
      expect(decodeValue(field, '{"lon":500,"lat":0}')).toEqual({ lon: 0, lat: 0 });
    });
  });
});
