// Package all links every connector type into one registry.
package all

import (
	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/calendly"
	"github.com/nayose/nayose/connectors/csv"
	"github.com/nayose/nayose/connectors/freee"
	"github.com/nayose/nayose/connectors/line"
	"github.com/nayose/nayose/connectors/mailchimp"
	"github.com/nayose/nayose/connectors/meta"
	"github.com/nayose/nayose/connectors/square"
	"github.com/nayose/nayose/connectors/xero"
)

// Registry returns a registry holding every connector type nayose ships.
func Registry() *connectors.Registry {
	r := connectors.NewRegistry()
	calendly.Register(r)
	csv.Register(r)
	freee.Register(r)
	line.Register(r)
	mailchimp.Register(r)
	meta.Register(r)
	square.Register(r)
	xero.Register(r)
	return r
}
