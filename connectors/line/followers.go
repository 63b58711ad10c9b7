package line

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/http"

	"github.com/nayose/nayose/connectors"
	"github.com/nayose/nayose/connectors/httpx"
	"github.com/nayose/nayose/mapping"
)

// followersStream backfills the friends who followed before nayose
// listened: every id LINE lists, with its profile. LINE has no "changed
// since", and new friends arrive as follow events, so it reads the list
// once; its cursor is the continuation token, then "done".
type followersStream struct {
	c   *client
	log *slog.Logger
}

func (s *followersStream) Name() string { return "followers" }

type followersCursor struct {
	Next string `json:"next,omitempty"`
	Done bool   `json:"done,omitempty"`
}

func (s *followersStream) Pages(ctx context.Context, cursor string) iter.Seq2[connectors.Page, error] {
	return func(yield func(connectors.Page, error) bool) {
		var cur followersCursor
		if cursor != "" {
			if err := json.Unmarshal([]byte(cursor), &cur); err != nil {
				yield(connectors.Page{}, fmt.Errorf("line followers: cursor %q: %w", cursor, err))
				return
			}
		}
		for !cur.Done {
			ids, err := s.c.followers(ctx, cur.Next)
			var he *httpx.HTTPError
			if errors.As(err, &he) && he.Status == http.StatusForbidden {
				// Only verified and premium accounts may list friends.
				s.log.Warn("LINE does not list this account's friends (verified or premium accounts only); they arrive as they follow or write", "status", he.Status)
				done, _ := json.Marshal(followersCursor{Done: true})
				yield(connectors.Page{Cursor: string(done)}, nil)
				return
			}
			if err != nil {
				yield(connectors.Page{}, fmt.Errorf("line followers: %w", err))
				return
			}
			var page connectors.Page
			for _, id := range ids.UserIDs {
				p, found, err := s.c.profile(ctx, id)
				if err != nil {
					yield(connectors.Page{}, fmt.Errorf("line followers: profile of %s: %w", id, err))
					return
				}
				if found {
					page.Identities = append(page.Identities, identityOf(p))
				}
			}
			cur = followersCursor{Next: ids.Next, Done: ids.Next == ""}
			b, _ := json.Marshal(cur)
			page.Cursor = string(b)
			if !yield(page, nil) {
				return
			}
		}
	}
}

// identityOf is a LINE user as an identity: the display name is what the
// person chose to be called, often a nickname, cleaned of its decoration
// (the raw profile keeps it as it is).
func identityOf(p profile) connectors.Identity {
	raw := p.raw
	if raw == nil {
		raw, _ = json.Marshal(p)
	}
	return connectors.Identity{ExternalID: p.UserID, FullName: mapping.StripDecoration(p.DisplayName), Raw: raw}
}
