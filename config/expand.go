package config

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// expandEnv replaces ${VAR} and ${VAR:-default} in every scalar value of the
// tree, so positions stay those of the file. "$$" stands for a literal "$".
// An unset variable without a default is a problem at its position.
func expandEnv(c *Checker, node *yaml.Node, path string, lookup func(string) (string, bool)) {
	switch node.Kind {
	case yaml.ScalarNode:
		if !strings.Contains(node.Value, "$") {
			return
		}
		out, err := expandString(node.Value, lookup)
		if err != nil {
			c.At(node, path, "%v", err)
			// Reported once here: as nothing, the decoder keeps the
			// default instead of failing again on the raw "${...}".
			node.Tag, node.Value = "!!null", ""
			return
		}
		if out != node.Value && node.Style == 0 && out != "" {
			// A plain value reads as what it expands to, as if written so:
			// ${CONNS} with CONNS=5 is the number 5. The parser tagged the
			// unexpanded text !!str, so resolve the tag again. Quoted
			// values stay text, and so does an empty expansion.
			node.Tag, node.Value = "", out
			node.Tag = node.ShortTag()
		}
		node.Value = out
	case yaml.MappingNode:
		for i := 0; i+1 < len(node.Content); i += 2 {
			// keys are never expanded
			expandEnv(c, node.Content[i+1], joinPath(path, node.Content[i].Value), lookup)
		}
	case yaml.SequenceNode:
		for i, child := range node.Content {
			expandEnv(c, child, fmt.Sprintf("%s[%d]", path, i), lookup)
		}
	case yaml.DocumentNode:
		for _, child := range node.Content {
			expandEnv(c, child, path, lookup)
		}
	}
}

func expandString(s string, lookup func(string) (string, bool)) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '$' {
			b.WriteByte('$')
			i++
			continue
		}
		if i+1 >= len(s) || s[i+1] != '{' {
			b.WriteByte('$')
			continue
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("unclosed ${ in %q (write ${NAME} or ${NAME:-default}; $$ for a literal $)", s)
		}
		expr := s[i+2 : i+end]
		name, def, hasDef := strings.Cut(expr, ":-")
		if !validEnvName(name) {
			return "", fmt.Errorf("${%s}: %q is not an environment variable name", expr, name)
		}
		val, ok := lookup(name)
		switch {
		case ok && val != "":
			b.WriteString(val)
		case hasDef:
			b.WriteString(def)
		case ok:
			// set but empty, no default: empty it is
		default:
			return "", fmt.Errorf("environment variable %s is not set (set it, or write ${%s:-default})", name, name)
		}
		i += end
	}
	return b.String(), nil
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
