package fakeapi

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // register decoders used to validate uploaded photos
	_ "image/jpeg"
	"image/png"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

// Telegram's size limits for files.
const (
	maxUploadBytes   = 50 << 20 // bots may upload up to 50 MB
	maxPhotoBytes    = 10 << 20 // photos up to 10 MB
	maxDownloadBytes = 20 << 20 // getFile serves files up to 20 MB
)

// storedFile is a file known to the server, uploaded by the bot or sent by
// a user.
type storedFile struct {
	id       string
	uniqueID string
	kind     string // photo, document, sticker, voice, audio, video, video_note
	name     string
	mimeType string
	data     []byte
	size     int
	width    int // the diameter of a video note
	height   int
	duration int // seconds, for voice, audio, video and video notes
	path     string
}

// fileFolders are the directories of file paths whose name is not the
// kind's plural, as Telegram names them.
var fileFolders = map[string]string{"audio": "music"}

// newFileLocked registers a file and gives it ids and a download path.
func (s *Server) newFileLocked(kind, name, mimeType string, data []byte) *storedFile {
	s.nextFile++
	n := s.nextFile
	f := &storedFile{
		id:       fmt.Sprintf("FAKE%s%08dAAQ", strings.ToUpper(kind[:3]), n),
		uniqueID: fmt.Sprintf("AQAD%08d", n),
		kind:     kind,
		name:     name,
		mimeType: mimeType,
		data:     data,
		size:     len(data),
	}
	ext := path.Ext(name)
	if ext == "" {
		switch kind {
		case "photo":
			ext = ".jpg"
		case "voice":
			ext = ".oga"
		case "sticker":
			ext = ".webp"
		case "audio":
			ext = ".mp3"
		case "video", "video_note":
			ext = ".mp4"
		}
	}
	folder, ok := fileFolders[kind]
	if !ok {
		folder = kind + "s"
	}
	f.path = fmt.Sprintf("%s/file_%d%s", folder, n, ext)
	s.files[f.id] = f
	s.filePaths[f.path] = f
	return f
}

// mediaMimeTypes are the types of audio and video files, which Go's
// built-in table lacks and which would otherwise depend on the system's
// MIME tables.
var mediaMimeTypes = map[string]string{
	".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".oga": "audio/ogg",
	".opus": "audio/ogg", ".wav": "audio/wav", ".flac": "audio/flac",
	".mp4": "video/mp4", ".mov": "video/quicktime", ".webm": "video/webm", ".3gp": "video/3gpp",
}

func mimeTypeFor(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := mediaMimeTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		if base, _, ok := strings.Cut(t, ";"); ok {
			return strings.TrimSpace(base)
		}
		return t
	}
	return "application/octet-stream"
}

// inputFileLocked resolves a photo/document parameter: a multipart upload,
// "attach://<part>", an HTTP URL or a file_id the server issued.
func (s *Server) inputFileLocked(q *request, name, kind string) (*storedFile, *apiError) {
	if upload, ok := q.files[name]; ok {
		return s.uploadLocked(upload, kind)
	}
	raw := strings.TrimSpace(q.str(name))
	if raw == "" {
		return nil, badRequest("there is no %s in the request", name)
	}
	if part, ok := strings.CutPrefix(raw, "attach://"); ok {
		upload, found := q.files[part]
		if !found {
			return nil, badRequest("wrong file identifier/HTTP URL specified: no file part %q in the request", part)
		}
		return s.uploadLocked(upload, kind)
	}
	lower := strings.ToLower(raw)
	if strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		if !validButtonURL(raw, false) {
			return nil, badRequest("wrong file identifier/HTTP URL specified")
		}
		f := s.newFileLocked(kind, path.Base(raw), mimeTypeFor(raw), nil)
		if kind == "photo" {
			f.width, f.height = 800, 600
		}
		return f, nil
	}
	f, ok := s.files[raw]
	if !ok {
		return nil, badRequest("wrong file identifier/HTTP URL specified")
	}
	if f.kind != kind {
		return nil, badRequest("can't use file of type %s as %s", f.kind, kind)
	}
	return f, nil
}

// uploadLocked validates and stores an uploaded file.
func (s *Server) uploadLocked(upload UploadedFile, kind string) (*storedFile, *apiError) {
	if len(upload.Data) == 0 {
		return nil, badRequest("file must be non-empty")
	}
	if len(upload.Data) > maxUploadBytes {
		return nil, &apiError{code: http.StatusRequestEntityTooLarge, description: "Request Entity Too Large"}
	}
	name := path.Base(upload.FileName)
	if name == "." || name == "/" {
		name = "file"
	}
	if kind != "photo" {
		return s.newFileLocked(kind, name, mimeTypeFor(name), upload.Data), nil
	}
	if len(upload.Data) > maxPhotoBytes {
		return nil, badRequest("PHOTO_SAVE_FILE_INVALID: photos must be at most 10 MB")
	}
	width, height, ok := imageSize(upload.Data)
	if !ok {
		return nil, badRequest("IMAGE_PROCESS_FAILED")
	}
	if width+height > 10000 || width*20 < height || height*20 < width {
		return nil, badRequest("PHOTO_INVALID_DIMENSIONS")
	}
	f := s.newFileLocked(kind, name, mimeTypeFor(name), upload.Data)
	f.width, f.height = width, height
	return f, nil
}

// imageSize decodes the dimensions of a PNG, JPEG or GIF image; WebP images
// are accepted with nominal dimensions.
func imageSize(data []byte) (int, int, bool) {
	if len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP" {
		return 512, 512, true
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return 0, 0, false
	}
	return cfg.Width, cfg.Height, true
}

var (
	samplePNGOnce sync.Once
	samplePNG     []byte
)

// sampleImage returns a small valid PNG used as the content of photos sent
// by fake users.
func sampleImage() []byte {
	samplePNGOnce.Do(func() {
		img := image.NewRGBA(image.Rect(0, 0, 4, 3))
		for x := 0; x < 4; x++ {
			for y := 0; y < 3; y++ {
				img.Set(x, y, color.RGBA{R: uint8(60 * x), G: uint8(80 * y), B: 200, A: 255})
			}
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err == nil {
			samplePNG = buf.Bytes()
		}
	})
	return samplePNG
}

// getFile returns the File object for a file_id.
func (s *Server) getFile(q *request) (any, *apiError) {
	id := strings.TrimSpace(q.str("file_id"))
	if id == "" {
		return nil, badRequest("file_id is empty")
	}
	f, ok := s.files[id]
	if !ok {
		return nil, badRequest("invalid file_id")
	}
	if f.size > maxDownloadBytes {
		return nil, badRequest("file is too big")
	}
	return apiFile{FileID: f.id, FileUniqueID: f.uniqueID, FileSize: f.size, FilePath: f.path}, nil
}

// serveFile answers GET /file/bot<token>/<file_path>.
func (s *Server) serveFile(w http.ResponseWriter, rest string) {
	token, filePath, ok := strings.Cut(rest, "/")
	if !ok || token != s.token {
		writeError(w, &apiError{code: http.StatusUnauthorized, description: "Unauthorized"})
		return
	}
	s.mu.Lock()
	f, found := s.filePaths[filePath]
	var data []byte
	if found {
		data = f.data
	}
	s.mu.Unlock()
	if !found {
		writeError(w, &apiError{code: http.StatusNotFound, description: "Not Found"})
		return
	}
	w.Header().Set("Content-Type", f.mimeType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}
