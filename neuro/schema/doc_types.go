// # Schemas from Go types
//
// ForType builds an action's schema from a Go struct with
// github.com/invopop/jsonschema, so that the game declares its action's
// data once, as a type, and gets a value of that type back (Decode):
//
//	type Move struct {
//		Cell int    `json:"cell" jsonschema:"minimum=1,maximum=9,description=the cell\\, 1 to 9"`
//		Mark string `json:"mark" jsonschema:"enum=x,enum=o"`
//		Say  string `json:"say,omitempty" jsonschema:"maxLength=40"`
//	}
//
// Properties are named and promoted as encoding/json does (json tags,
// embedded structs). The jsonschema tag follows invopop's conventions,
// comma-separated, with a comma inside a value written \, (in a Go struct
// tag, \\,):
//
//   - description=text (or a jsonschema_description:"text" tag): see below.
//   - enum=a,enum=b: the allowed values, for strings and numbers, and for
//     the items of a slice of them.
//   - minimum=, maximum=, exclusiveMinimum=, exclusiveMaximum=: number
//     ranges. Sized integer types get their range where the tags set none
//     (0 to 255 for uint8; minimum 0 for every unsigned type).
//   - minLength=, maxLength=, pattern=: text lengths (in characters) and a
//     regular expression.
//   - minItems=, maxItems=: list lengths; a Go array [N]T has exactly N.
//   - required: a field is required unless its json tag says omitempty or
//     omitzero; the "required" tag makes it required anyway. Use a pointer
//     to tell an absent optional value from a zero one.
//   - "-" leaves the field out of the schema (json:"-" leaves it out of
//     both the schema and decoding).
//
// The reflector's output is reduced to what Neuro handles well: nested
// structs are written out in place (no $ref, $defs, $schema or $id), and
// no "additionalProperties" is added, so a model that sends an extra
// property is not turned down for it (Decode ignores it). Descriptions are
// taken out of the schema, since Neuro handles "description" poorly, and
// kept as FieldDocs: Describe folds them into the action's description,
// where Neuro reads them. With these tags the schema draws no KeywordWarning.
//
// A discouraged keyword appears only when the type asks for it: a tag for
// multipleOf, uniqueItems, readOnly, title, nullable (a oneOf with null) or
// oneof_type, a map field (its values' schema is "additionalProperties"),
// or a JSONSchema or JSONSchemaExtend method (the reflector's hooks; set
// AdditionalProperties to jsonschema.FalseSchema there to refuse extra
// properties, which Decode then refuses too). Such keywords are kept as
// asked, Warnings reports them, and Check enforces them.
//
// Types that cannot be an action schema are refused with a *TypeError:
// anything but a struct at the top, maps with non-string keys, channels,
// functions, complex numbers, unsafe pointers, byte slices (base64),
// url.URL, interfaces with methods, recursive types, two fields with one
// JSON name, the ",string" and ",inline" json options, and the
// JSONSchemaAlias and JSONSchemaProperty hooks (the schema must describe
// the type that is decoded).
//
// Decoding happens once, after Check, and gives the value encoding/json
// would give. ForType plans it for each type, and Decode reads the text
// straight into the value, strings without escapes not even copied; types
// that decode themselves (time.Time, net.IP, UnmarshalJSON or
// UnmarshalText methods), json.Number and types with a JSONSchema method
// go through encoding/json, and so does any data the plan is not sure of,
// every error included (FuzzDecodeFast holds the two ways equal). Whole
// numbers written with a fraction or an exponent (2.0, 5e0), which JSON
// schema counts as integers, are read as the integers they are. What the
// schema accepts but the Go type still cannot hold is explained like a
// Check failure: a number beyond the field's type (`"n" must be from
// -9223372036854775808 to 9223372036854775807, not 1e30`), or a key that
// differs from a property only in case, which encoding/json would
// otherwise decode into that property unchecked (`unknown property "Cell";
// property names are case-sensitive: write "cell"`).
package schema
