package web

import (
	"html/template"
	"net/http"
)

// authView is a sign-in page: why the member is here and what to do.
type authView struct {
	Title, Message, Hint string
}

// authTemplate is the sign-in pages' own small page: it shows no data and
// needs nothing of the pages' layout, so it works whatever the pages do.
var authTemplate = template.Must(template.New("auth").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{.Title}} — referbot</title>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
{{with .Hint}}<p>{{.}}</p>{{end}}
</main>
</body>
</html>
`))

// authPage writes a sign-in page with the status.
func (s *Server) authPage(w http.ResponseWriter, status int, v authView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := authTemplate.Execute(w, v); err != nil {
		s.log.Error("dashboard: sign-in page", "err", err)
	}
}
