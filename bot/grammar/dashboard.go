package grammar

// Dashboard asks for a one-time sign-in link to the web dashboard, which
// opens on Period ("" = the dashboard's default). The period is read (and
// refused, with the periods there are) as stats reads it.
type Dashboard struct{ Period string }

func (Dashboard) Name() string { return "dashboard" }

func (p *parser) dashboard() (Command, error) {
	return Dashboard{Period: p.rest(0)}, nil
}
