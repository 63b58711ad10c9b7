// Package all links every connector type into one registry.
package all

import (
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/calendly"
	"github.com/nayose/nayose/connectors/csv"
	"github.com/nayose/nayose/connectors/mailchimp"
	"github.com/nayose/nayose/connectors/meta"
	"github.com/nayose/nayose/connectors/square"
)

// Registry returns a registry holding every connector type nayose ships.
func Registry() *connectors.Registry {
	r := connectors.NewRegistry()
	calendly.Register(r)
	csv.Register(r)
	mailchimp.Register(r)
	meta.Register(r)
	square.Register(r)
	return r
}
