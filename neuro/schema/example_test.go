package schema_test

import (
	"errors"
	"fmt"

	"github.com/neurokit/neurokit/neuro/schema"
)

func ExampleCompile() {
	c, err := schema.Compile("play", map[string]any{
		"type": "object",
		"properties": map[string]any{
			"cell": map[string]any{"type": "integer", "minimum": 1, "maximum": 9},
			"mark": map[string]any{"type": "string", "enum": []string{"x", "o"}},
		},
		"required": []string{"cell", "mark"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Check(`{"cell": 5, "mark": "x"}`, true))

	err = c.Check(`{"cell": 12, "mark": "x"}`, true)
	var de *schema.DataError
	if errors.As(err, &de) {
		fmt.Println(de.Message)
	}
	// Output:
	// <nil>
	// "cell" must be from 1 to 9, not 12
}

func ExampleCompiled_Check() {
	c, err := schema.Compile("play", map[string]any{
		"type":       "object",
		"properties": map[string]any{"cell": map[string]any{"type": "integer", "minimum": 1, "maximum": 9}},
		"required":   []string{"cell"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, data := range []string{`{"cell": five}`, `{"cell": 5,}`, ``} {
		var de *schema.DataError
		if errors.As(c.Check(data, data != ""), &de) {
			fmt.Println(de.Message)
		}
	}
	// Output:
	// the data is not valid JSON: unquoted text five at character 10; text values need double quotes, like "five"; send a JSON object with "cell" (an integer from 1 to 9), like {"cell": 5}
	// the data is not valid JSON: a comma before } at character 11; remove the last comma; send a JSON object with "cell" (an integer from 1 to 9), like {"cell": 5}
	// this action needs data: a JSON object with "cell" (an integer from 1 to 9); for example {"cell": 5}
}

func ExampleWarnings() {
	doc := map[string]any{
		"type":  "object",
		"title": "Play a card",
		"properties": map[string]any{
			"cards": map[string]any{"type": "array", "uniqueItems": true, "items": map[string]any{"type": "string"}},
		},
	}
	for _, w := range schema.Warnings(doc) {
		fmt.Println(w)
	}
	// Output:
	// schema keyword "uniqueItems" at /properties/cards/uniqueItems: Neuro may not enforce it; the game must check it itself (Check does)
	// schema keyword "title" at /title: Neuro handles it poorly and may ignore it; say what matters in the action's description
}
