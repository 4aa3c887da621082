package app_test

import (
	"sync"

	"github.com/prepoznaj/prepoznaj/apitest"
	"github.com/prepoznaj/prepoznaj/httpapi"
)

var schemaCache sync.Map

func httpapiRoutes(s *apitest.Server) []string {
	return httpapi.RouteOperations(s.App.Engine, "/api/v1/")
}
