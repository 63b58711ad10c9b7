package httpx_test

import (
	"github.com/nayose/nayose/connectors/httpx"
	"github.com/nayose/nayose/store"
)

// The database keeps tokens for the daemon: it must fit.
var _ httpx.TokenStore = (*store.TokenStore)(nil)
