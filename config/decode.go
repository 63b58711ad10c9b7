package config

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Checker decodes YAML nodes into Go values strictly and collects every
// problem with its position. Unknown keys are problems, with the closest
// valid key suggested. Connector packages use it for their options blocks.
type Checker struct {
	file     string
	problems Problems
	// nodes remembers where each decoded path was, so that validation after
	// decoding can still point at the line.
	nodes map[string]*yaml.Node
}

// NewChecker returns a Checker reporting problems in file.
func NewChecker(file string) *Checker {
	return &Checker{file: file, nodes: map[string]*yaml.Node{}}
}

// Problems returns what was found so far.
func (c *Checker) Problems() Problems { return c.problems }

// Errorf records a problem at the setting named by path (as the decoder
// named it, "connectors[0].schedule"). Without a known position for path,
// the nearest enclosing setting's position is used.
func (c *Checker) Errorf(path, format string, args ...any) {
	p := Problem{File: c.file, Path: path, Msg: fmt.Sprintf(format, args...)}
	for q := path; ; {
		if n, ok := c.nodes[q]; ok {
			p.Line, p.Column = n.Line, n.Column
			break
		}
		i := strings.LastIndexAny(q, ".[")
		if i < 0 {
			break
		}
		q = q[:i]
	}
	c.problems = append(c.problems, p)
}

// Locate tells the Checker where the setting at path is, and where its
// direct keys' values are, so that Errorf can point at them. It serves a
// Checker that validates settings another Checker decoded.
func (c *Checker) Locate(path string, node *yaml.Node) {
	if node == nil {
		return
	}
	c.nodes[path] = node
	if node.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(node.Content); i += 2 {
			c.nodes[joinPath(path, node.Content[i].Value)] = node.Content[i+1]
		}
	}
}

// At records a problem at node.
func (c *Checker) At(node *yaml.Node, path, format string, args ...any) {
	c.problems = append(c.problems, Problem{
		File: c.file, Line: node.Line, Column: node.Column, Path: path,
		Msg: fmt.Sprintf(format, args...),
	})
}

// Validator is implemented by decoded values that check themselves after
// decoding. Paths given to the Checker are relative to the value's path.
type Validator interface {
	Validate(c *Checker, path string)
}

var (
	nodeType        = reflect.TypeFor[yaml.Node]()
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	textType        = reflect.TypeFor[encoding.TextUnmarshaler]()
	validatorType   = reflect.TypeFor[Validator]()
)

// Decode decodes node into v (a pointer), which should already hold its
// defaults: keys absent from node keep them. Struct fields are matched by
// their yaml tag. A field of type yaml.Node receives the node undecoded, for
// a block whose shape depends on another setting. Values implementing
// Validator are validated after decoding, inner values first.
func (c *Checker) Decode(node *yaml.Node, path string, v any) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		panic("config: Decode needs a non-nil pointer")
	}
	c.decode(node, path, rv.Elem())
}

func (c *Checker) decode(node *yaml.Node, path string, v reflect.Value) {
	if node.Kind == yaml.DocumentNode {
		if len(node.Content) == 0 {
			return
		}
		node = node.Content[0]
	}
	if node.Kind == yaml.AliasNode {
		node = node.Alias
	}
	c.nodes[path] = node
	// A value validates itself only when it decoded cleanly: a misspelt key
	// should not also be reported as the missing key it was meant to be.
	before := len(c.problems)
	defer func() {
		if len(c.problems) == before {
			c.validate(path, v)
		}
	}()

	if v.Type() == nodeType {
		v.Set(reflect.ValueOf(*node))
		return
	}
	if node.Kind == yaml.ScalarNode && node.Tag == "!!null" && v.Kind() != reflect.Pointer {
		return // "key:" with nothing after it keeps the default
	}
	if v.CanAddr() {
		pv := v.Addr()
		if pv.Type().Implements(unmarshalerType) || pv.Type().Implements(textType) {
			if err := node.Decode(pv.Interface()); err != nil {
				c.At(node, path, "%s", cleanYAMLError(err))
			}
			return
		}
	}

	switch v.Kind() {
	case reflect.Pointer:
		if node.Tag == "!!null" {
			v.SetZero()
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		c.decode(node, path, v.Elem())
	case reflect.Struct:
		c.decodeStruct(node, path, v)
	case reflect.Slice:
		if node.Kind != yaml.SequenceNode {
			c.At(node, path, "expected a list, found %s", describe(node))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(node.Content), len(node.Content))
		for i, item := range node.Content {
			c.decode(item, fmt.Sprintf("%s[%d]", path, i), s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		if node.Kind != yaml.MappingNode {
			c.At(node, path, "expected a mapping of key: value, found %s", describe(node))
			return
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		seen := map[string]bool{}
		for i := 0; i+1 < len(node.Content); i += 2 {
			k, val := node.Content[i], node.Content[i+1]
			if seen[k.Value] {
				c.At(k, path, "key %q appears twice", k.Value)
				continue
			}
			seen[k.Value] = true
			key := reflect.New(v.Type().Key()).Elem()
			if err := k.Decode(key.Addr().Interface()); err != nil {
				c.At(k, path, "%s", cleanYAMLError(err))
				continue
			}
			elem := reflect.New(v.Type().Elem()).Elem()
			c.decode(val, joinPath(path, k.Value), elem)
			v.SetMapIndex(key, elem)
		}
	default:
		if node.Kind != yaml.ScalarNode {
			c.At(node, path, "expected a single %s value, found %s", kindName(v.Kind()), describe(node))
			return
		}
		// yaml.v3 would truncate 5.5 into an int field without a word.
		isFloat := node.ShortTag() == "!!float" && (v.CanInt() || v.CanUint())
		if err := node.Decode(v.Addr().Interface()); err != nil || isFloat {
			c.At(node, path, "%q is not a valid %s", node.Value, kindName(v.Kind()))
		}
	}
}

func (c *Checker) decodeStruct(node *yaml.Node, path string, v reflect.Value) {
	if node.Kind != yaml.MappingNode {
		c.At(node, path, "expected a mapping of settings, found %s", describe(node))
		return
	}
	fields := map[string]int{}
	var names []string
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = i
		names = append(names, name)
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, val := node.Content[i], node.Content[i+1]
		if seen[k.Value] {
			c.At(k, path, "key %q appears twice", k.Value)
			continue
		}
		seen[k.Value] = true
		idx, ok := fields[k.Value]
		if !ok {
			msg := fmt.Sprintf("unknown field %q", k.Value)
			if s, ok := Closest(k.Value, names); ok {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				msg += " (allowed: " + allowedList(names) + ")"
			}
			c.At(k, path, "%s", msg)
			continue
		}
		c.decode(val, joinPath(path, k.Value), v.Field(idx))
	}
}

func (c *Checker) validate(path string, v reflect.Value) {
	if !v.CanAddr() {
		return
	}
	if pv := v.Addr(); pv.Type().Implements(validatorType) {
		pv.Interface().(Validator).Validate(c, path)
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	default:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return strconv.Quote(n.Value)
	}
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "true/false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "whole number"
	case reflect.Float32, reflect.Float64:
		return "number"
	default:
		return "text"
	}
}

// cleanYAMLError drops yaml.v3's "yaml: unmarshal errors:\n  line N:" framing;
// the Checker adds its own position.
func cleanYAMLError(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: unmarshal errors:\n")
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "line ") {
		if _, rest, ok := strings.Cut(s, ": "); ok {
			s = rest
		}
	}
	return s
}
