package xero

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/nayose/nayose/connectors/httpx"
)

// client is the typed part of Xero's API the streams read.
type client struct {
	http   *httpx.Client
	opts   *Options
	limits *limits
	log    *slog.Logger
	sleep  func(ctx context.Context, d time.Duration) error

	mu     sync.Mutex
	tenant string // discovered from GET /Connections
}

// connection is one entry of GET /Connections.
type connection struct {
	TenantID   string `json:"tenantId"`
	TenantType string `json:"tenantType"`
	TenantName string `json:"tenantName"`
}

// tenantID returns the configured tenant or, once per source, the only
// organisation GET /Connections lists. Several are an error naming them,
// so the user can pick one for tenant_id.
func (c *client) tenantID(ctx context.Context) (string, error) {
	if c.opts.TenantID != "" {
		return c.opts.TenantID, nil
	}
	c.mu.Lock()
	t := c.tenant
	c.mu.Unlock()
	if t != "" {
		return t, nil
	}
	if err := c.limits.before(ctx, c.sleep); err != nil {
		return "", err
	}
	var conns []connection
	if _, err := c.http.Get(ctx, "/Connections", nil, &conns); err != nil {
		return "", fmt.Errorf("listing the connected organisations: %w", err)
	}
	var orgs []connection
	for _, cn := range conns {
		if cn.TenantType == "" || strings.EqualFold(cn.TenantType, "ORGANISATION") {
			orgs = append(orgs, cn)
		}
	}
	switch len(orgs) {
	case 0:
		return "", fmt.Errorf("GET /Connections lists no organisation: connect one to the app, or set tenant_id")
	case 1:
	default:
		names := make([]string, len(orgs))
		for i, o := range orgs {
			names[i] = fmt.Sprintf("%q (%s)", o.TenantName, o.TenantID)
		}
		return "", fmt.Errorf("the app is connected to %d organisations; set tenant_id to one of: %s", len(orgs), strings.Join(names, ", "))
	}
	c.mu.Lock()
	c.tenant = orgs[0].TenantID
	c.mu.Unlock()
	return orgs[0].TenantID, nil
}

// pagination is Xero's pagination block.
type pagination struct {
	Page      int `json:"page"`
	PageSize  int `json:"pageSize"`
	PageCount int `json:"pageCount"`
	ItemCount int `json:"itemCount"`
}

// listPage is one page of a collection: its records, raw, and the
// pagination block when Xero sent one.
type listPage struct {
	Items      []json.RawMessage
	Pagination *pagination
}

// ifModifiedSince formats t for the If-Modified-Since header: ISO 8601 in
// UTC with milliseconds, as the spec's example and Xero's SDKs write it.
func ifModifiedSince(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// list reads one page of the collection at path ("/Contacts"), whose
// records are under key ("Contacts"), changed after since (zero: all).
func (c *client) list(ctx context.Context, path, key string, q url.Values, since time.Time) (listPage, error) {
	tenant, err := c.tenantID(ctx)
	if err != nil {
		return listPage{}, err
	}
	if err := c.limits.before(ctx, c.sleep); err != nil {
		return listPage{}, err
	}
	h := http.Header{"Xero-Tenant-Id": {tenant}}
	if !since.IsZero() {
		h.Set("If-Modified-Since", ifModifiedSince(since))
	}
	var body map[string]json.RawMessage
	if _, err := c.http.DoRequest(ctx, httpx.Request{Path: apiPath + path, Query: q, Header: h}, &body); err != nil {
		return listPage{}, err
	}
	var p listPage
	if raw, ok := body["pagination"]; ok && string(raw) != "null" {
		p.Pagination = &pagination{}
		if err := json.Unmarshal(raw, p.Pagination); err != nil {
			return listPage{}, fmt.Errorf("reading the pagination block of %s: %w", path, err)
		}
	}
	if raw, ok := body[key]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &p.Items); err != nil {
			return listPage{}, fmt.Errorf("reading %s from %s: %w", key, path, err)
		}
	}
	return p, nil
}
