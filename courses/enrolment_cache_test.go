package courses

import (
	"slices"
	"testing"
)

func TestEnrolmentCacheKeepsAndForgets(t *testing.T) {
	c := newEnrolmentCache()
	c.Put(c.Gen(), 7, []int64{1, 2})
	if _, ok := c.Get(7); ok {
		t.Fatal("a cache that is off must not answer")
	}
	c.Live(true)
	c.Put(c.Gen(), 7, []int64{1, 2})
	c.Put(c.Gen(), 8, []int64{})
	if ids, ok := c.Get(7); !ok || !slices.Equal(ids, []int64{1, 2}) {
		t.Fatalf("get(7) = %v, %v", ids, ok)
	}
	if ids, ok := c.Get(8); !ok || len(ids) != 0 {
		t.Fatalf("no enrolments is an answer too: %v, %v", ids, ok)
	}
	c.Forget(7)
	if _, ok := c.Get(7); ok {
		t.Fatal("a learner whose enrolments changed is forgotten")
	}
	if _, ok := c.Get(8); !ok {
		t.Fatal("other learners stay")
	}
	c.Live(false)
	if _, ok := c.Get(8); ok {
		t.Fatal("a cache that cannot hear of changes must not answer")
	}
	c.Live(true)
	if _, ok := c.Get(8); ok {
		t.Fatal("a cache that may have missed notices starts empty")
	}
}

// A lookup that read the database before an enrolment committed must not be
// stored after the enrolment was forgotten.
func TestEnrolmentCacheRefusesLookupsOverlappingAForget(t *testing.T) {
	c := newEnrolmentCache()
	c.Live(true)
	gen := c.Gen() // the lookup starts
	c.Forget(9)    // an enrolment of learner 9 commits meanwhile
	c.Put(gen, 9, nil)
	if _, ok := c.Get(9); ok {
		t.Fatal("a lookup older than a forget was stored")
	}
	c.Put(c.Gen(), 9, []int64{3})
	if _, ok := c.Get(9); !ok {
		t.Fatal("a fresh lookup is stored")
	}
}

func TestEnrolmentCacheNotices(t *testing.T) {
	c := newEnrolmentCache()
	c.Live(true)
	for uid := int64(1); uid <= 4; uid++ {
		c.Put(c.Gen(), uid, []int64{uid})
	}
	c.Notice("u:1,3")
	for uid, want := range map[int64]bool{1: false, 2: true, 3: false, 4: true} {
		if _, ok := c.Get(uid); ok != want {
			t.Errorf("learner %d cached = %v, want %v", uid, ok, want)
		}
	}
	for _, payload := range []string{"*", "u:2,x", "garbage"} {
		c.Put(c.Gen(), 4, []int64{4})
		c.Notice(payload)
		if _, ok := c.Get(4); ok {
			t.Errorf("notice %q: a notice that names everyone or cannot be read empties the cache", payload)
		}
	}
}
