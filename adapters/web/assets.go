package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed assets
var assetFiles embed.FS

// asset is an embedded file served under a name that carries a hash of
// its content, so it can be cached for a year: a new build with another
// stylesheet has another name.
type asset struct {
	data        []byte
	contentType string
}

var (
	assetsByName   = map[string]asset{}  // hashed name → file
	hashedAssetFor = map[string]string{} // plain name → hashed name
)

func init() {
	files, err := fs.Glob(assetFiles, "assets/*")
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		data, err := assetFiles.ReadFile(f)
		if err != nil {
			panic(err)
		}
		name := path.Base(f)
		ext := path.Ext(name)
		sum := sha256.Sum256(data)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		assetsByName[hashed] = asset{data: data, contentType: mime.TypeByExtension(ext)}
		hashedAssetFor[name] = hashed
	}
}

// assetPath is where the layout links an asset: "dashboard.css" →
// "/dashboard/assets/dashboard.1a2b3c4d5e6f.css".
func assetPath(name string) string {
	return "/dashboard/assets/" + hashedAssetFor[name]
}

// serveAsset serves an embedded asset by its hashed name, cached for a
// year; anything else is not found.
func serveAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := assetsByName[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(a.data)
}
