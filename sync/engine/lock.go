package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/nayose/nayose/store"
	"gorm.io/gorm/clause"
)

// acquire takes the lease called name for ttl, so that one job runs once
// even when several daemons share the database. The lease lapses by itself
// if its holder dies. release gives it back.
func (e *Engine) acquire(ctx context.Context, name string, ttl time.Duration) (release func(), err error) {
	db := e.db.Gorm.WithContext(ctx)
	now := e.now()
	// Make sure the row exists (expired), then claim it if it is free.
	err = db.Clauses(clause.OnConflict{DoNothing: true}).
		Create(&store.Lock{Name: name, AcquiredAt: time.Unix(0, 0).UTC(), ExpiresAt: time.Unix(0, 0).UTC()}).Error
	if err != nil {
		return nil, fmt.Errorf("preparing lease %s: %w", name, err)
	}
	res := db.Model(&store.Lock{}).
		Where("name = ? AND (expires_at < ? OR holder = ?)", name, now, e.holder).
		Updates(map[string]any{"holder": e.holder, "acquired_at": now, "expires_at": now.Add(ttl)})
	if res.Error != nil {
		return nil, fmt.Errorf("taking lease %s: %w", name, res.Error)
	}
	if res.RowsAffected == 0 {
		var held store.Lock
		db.Where("name = ?", name).Limit(1).Find(&held)
		return nil, fmt.Errorf("%s: %w (held by %s until %s)", name, ErrBusy, held.Holder, held.ExpiresAt.Format(time.RFC3339))
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		err := e.db.Gorm.WithContext(ctx).Model(&store.Lock{}).
			Where("name = ? AND holder = ?", name, e.holder).
			Updates(map[string]any{"holder": "", "expires_at": time.Unix(0, 0).UTC()}).Error
		if err != nil {
			e.log.Warn("releasing lease; it lapses by itself", "lease", name, "err", err)
		}
	}, nil
}

func randomID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
