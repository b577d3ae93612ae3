package slack

import (
	"bytes"
	"context"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/referbot/referbot/bot"
)

// withFiles sends the attachments of replies to the member's DM with the
// bot as files (a reply is capped at Slack's message size; an export must
// arrive whole) and says so in the reply.
func (a *Adapter) withFiles(ctx context.Context, user string, ms []bot.Message) []bot.Message {
	for i, m := range ms {
		if m.Attachment == nil {
			continue
		}
		att := *m.Attachment
		ms[i].Attachment = nil
		ms[i].Text += "\nI've sent it to you as a file in your DM with referbot."
		title := m.Title
		a.deadline.Go(ctx, func(ctx context.Context) {
			if err := a.upload(ctx, user, title, att); err != nil {
				a.log.Error("file upload failed", "user", user, "file", att.Name, "err", err)
				a.Messenger().Send(ctx, bot.Message{Visibility: bot.Direct, To: user, Kind: bot.KindError,
					Text: fmt.Sprintf("I couldn't send %s (%v). Please try /refer export again in a minute.", att.Name, err)})
			}
		})
	}
	return ms
}

// upload opens the DM with user and shares the file there
// (files.getUploadURLExternal, the upload, files.completeUploadExternal).
func (a *Adapter) upload(ctx context.Context, user, title string, att bot.Attachment) error {
	ch, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}, ReturnIM: true})
	if err != nil {
		return fmt.Errorf("conversations.open: %w", err)
	}
	_, err = a.api.UploadFileContext(ctx, slack.UploadFileParameters{Channel: ch.ID, Filename: att.Name, Title: title,
		Reader: bytes.NewReader(att.Data), FileSize: len(att.Data)})
	return err
}
