/** Scalars and shared object types: `JSON` (any JSON value) and `GeoPoint`. */
import {
  GraphQLFloat,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  Kind,
  type ValueNode,
} from "graphql";

function literalValue(node: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.ENUM:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => literalValue(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalValue(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[node.name.value];
  }
}

/** Any JSON value: record bodies of writes (so PocketBase's `field+`/`+field`/`field-` modifiers work) and json fields. */
export const JsonScalar = new GraphQLScalarType({
  name: "JSON",
  description: "Any JSON value.",
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literalValue,
});

/** A geoPoint field's value. */
export const GeoPointType = new GraphQLObjectType({
  name: "GeoPoint",
  fields: {
    lon: { type: new GraphQLNonNull(GraphQLFloat) },
    lat: { type: new GraphQLNonNull(GraphQLFloat) },
  },
});
