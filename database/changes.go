package database

import (
	"context"
	"errors"
	"regexp"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// Changes carries "these rows changed" notices to the in-memory caches of
// every instance that serves the database, so a cache can answer from memory
// and still never outlive a change.
//
// Each cache forgets what a change touched on its own instance after the
// change commits, then calls Publish. On SQLite the database has one process,
// so there is nobody to tell and a cache is live from the start. On Postgres,
// several instances may share the database: Publish sends a NOTIFY, and Listen
// keeps one connection LISTENing on every subscribed channel. A cache is live
// only while that connection is up; when it drops or comes back, notices may
// have been missed, so every cache is told to empty itself.
type Changes struct {
	db       *DB
	mu       sync.Mutex
	channels map[string][]Listener
}

// A Listener is a cache that hears of changes on a channel.
type Listener interface {
	// Notice applies a change another instance (or this one) published.
	Notice(payload string)
	// Live turns the cache on or off. The cache must empty itself on every
	// call: it may have missed notices.
	Live(on bool)
}

// NewChanges returns the notice hub for db.
func NewChanges(db *DB) *Changes {
	return &Changes{db: db, channels: map[string][]Listener{}}
}

// A channel is a Postgres identifier, written into LISTEN as is.
var channelName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Subscribe registers l for channel. On SQLite l goes live at once; on
// Postgres when Listen holds its connection. Subscribe before Listen starts.
func (c *Changes) Subscribe(channel string, l Listener) {
	if !channelName.MatchString(channel) {
		panic("database: invalid channel name " + channel)
	}
	c.mu.Lock()
	c.channels[channel] = append(c.channels[channel], l)
	c.mu.Unlock()
	if c.db.Dialect != Postgres {
		l.Live(true)
	}
}

// Publish tells the other instances that what payload names has changed.
// Call it after the change commits, having forgotten it locally: it runs on
// its own, and a failure is not reported, since the change itself stands and
// a lost notice is rare; a listener that loses its connection starts empty.
func (c *Changes) Publish(channel, payload string) {
	if c == nil || c.db.Dialect != Postgres {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c.db.WithContext(ctx).Exec("SELECT pg_notify(?, ?)", channel, payload)
}

// Listen keeps a Postgres connection listening on every subscribed channel
// until ctx ends, retrying after retry when the connection fails. Listeners
// are live only while it listens. On SQLite it returns at once.
func (c *Changes) Listen(ctx context.Context, retry time.Duration) {
	if c.db.Dialect != Postgres {
		return
	}
	for ctx.Err() == nil {
		err := c.listenOnce(ctx)
		c.setLive(false)
		if ctx.Err() != nil || err == nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(retry):
		}
	}
}

func (c *Changes) setLive(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ls := range c.channels {
		for _, l := range ls {
			l.Live(on)
		}
	}
}

func (c *Changes) listeners(channel string) []Listener {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.channels[channel]
}

func (c *Changes) listenOnce(ctx context.Context) error {
	sqlDB, err := c.db.DB.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		sc, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return errors.New("changes: not a pgx connection")
		}
		pc := sc.Conn()
		c.mu.Lock()
		var names []string
		for name := range c.channels {
			names = append(names, name)
		}
		c.mu.Unlock()
		for _, name := range names {
			if _, err := pc.Exec(ctx, "LISTEN "+name); err != nil {
				_ = pc.Close(context.Background())
				return err
			}
		}
		// Whatever changed before LISTEN took effect is unknown: the caches
		// start empty.
		c.setLive(true)
		for {
			n, err := pc.WaitForNotification(ctx)
			if err != nil {
				// The connection is not returned to the pool in a LISTEN state.
				_ = pc.Close(context.Background())
				return err
			}
			for _, l := range c.listeners(n.Channel) {
				l.Notice(n.Payload)
			}
		}
	})
}
