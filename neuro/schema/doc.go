// Package schema checks the data Neuro sends with an action against the
// action's JSON schema, and explains every rejection in words a language
// model can act on.
//
// A game compiles each action's schema once, when it registers the
// action, and checks the data of every incoming action with the result:
//
//	c, err := schema.Compile("play", doc) // doc: the action's schema, map[string]any
//	...
//	if err := c.Check(data, hasData); err != nil {
//		var de *schema.DataError
//		errors.As(err, &de)
//		// answer the action with a failed result carrying de.Message
//	}
//
// The message says what is wrong, naming the value sent, and how to
// succeed: `"cell" must be from 1 to 9, not 12`, `missing required
// property "mark" (one of "x", "o")`, or, for text that is not JSON,
// `the data is not valid JSON: unquoted text x at character 21; text
// values need double quotes, like "x"; send a JSON object with "cell" (an
// integer from 1 to 9) and "mark" (one of "x", "o"), like {"cell": 5,
// "mark": "x"}` (the example is derived from the schema and checked
// against it). Neuro retries a forced action from that message alone.
//
// # What Neuro handles well
//
// The real Neuro server reads simple schemas best: a root with "type":
// "object", "properties" each with a "type", "enum" or "const" for
// choices, "minimum"/"maximum" for numbers, "minLength"/"maxLength" for
// text, "items" with "minItems"/"maxItems" for lists, and "required". It
// handles these keywords poorly and may ignore them (DiscouragedKeywords):
// $anchor, $comment, $defs, $dynamicAnchor, $dynamicRef, $id, $ref,
// $schema, $vocabulary, additionalProperties, allOf, anyOf,
// contentEncoding, contentMediaType, contentSchema, dependentRequired,
// dependentSchemas, deprecated, description, else, if, maxProperties,
// minProperties, multipleOf, not, oneOf, patternProperties, readOnly,
// then, title, unevaluatedItems, unevaluatedProperties, writeOnly. It may
// or may not enforce uniqueItems (UncheckedKeywords). Warnings finds all
// of them in a schema, with advice; a game should log them at
// registration. They stay legal: Check enforces every keyword JSON schema
// defines, so data that breaks one gets a failed result whatever Neuro
// made of the schema. For options that change every turn, a broad schema
// and a failed result listing the valid options work better than
// registering the action again with a new enum.
//
// # Promises
//
//   - Compile compiles once, at registration; Check reuses the result.
//     A schema that refers to anything outside itself (a remote or file
//     $ref, an unknown $schema) does not compile: nothing is ever fetched.
//   - Check never panics. It refuses data nested more than 32 levels deep
//     and numbers longer than 100 characters or with an exponent beyond
//     ±1000 (jsonschema/v6 panics or stalls on huge exponents) before
//     validating.
//   - Simple schemas (the keywords above, plus pattern, const,
//     additionalProperties and exclusive bounds) are checked by a walk over
//     the JSON text that allocates nothing when the data is valid; anything
//     it is not sure about, and every rejection, goes through
//     github.com/santhosh-tekuri/jsonschema/v6, which decides. The walk
//     never accepts what the validator rejects (FuzzSchemaFastPath).
//   - A Compiled is immutable and safe for concurrent use; there is
//     nothing to close. With a fast path, the validator's compiled form
//     (several KiB) is dropped after compiling and built again the first
//     time data is rejected.
//
// This package imports nothing else of neurokit: it takes the schema as a
// map[string]any (the protocol's Schema type converts to it) and the
// action's name as a string.
package schema
