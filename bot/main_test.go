package bot_test

import (
	"testing"

	"github.com/referbot/referbot/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
