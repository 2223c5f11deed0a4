// svmlight / LIBSVM text reader: `label [qid:n] idx:val idx:val ... [# comment]`, one row a line,
// into CSR (SciPy's layout) plus float labels. Streams: the parser takes the text in chunks of any
// size (a line may span chunks), so a file never has to fit in memory twice.
//
// Indices: zero- or one-based. Base::Auto follows scikit-learn's load_svmlight_file(zero_based=
// 'auto'): one-based unless some index is 0. Within a line indices must be strictly increasing.
// cols = nFeatures when given (every index must fit), else max index + 1.
// Blank lines and lines holding only a comment are skipped; qid tokens are ignored.
// Errors name the 1-based line number: "line 12: ...".
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace descent {

struct SvmlightOptions {
  enum class Base { Auto, Zero, One };
  Base base = Base::Auto;
  int64_t nFeatures = -1;  // < 0: infer as max index + 1
};

struct SvmlightData {
  std::vector<int32_t> indptr{0};
  std::vector<int32_t> indices;
  std::vector<float> values;
  std::vector<float> labels;
  size_t cols = 0;
};

class SvmlightParser {
 public:
  explicit SvmlightParser(const SvmlightOptions& options) : options_(options) {}
  // Parses every complete line of the chunk and keeps a trailing partial line for the next call.
  // Returns false on the first malformed line; error() says which and why.
  bool feed(const char* data, size_t size);
  // Parses the last line (if it had no newline), applies the index base and the column count, and
  // moves the result into out. Returns false on error.
  bool finish(SvmlightData& out);
  const std::string& error() const { return error_; }

 private:
  bool parseLine(const char* begin, const char* end);
  bool parseFeature(const char* begin, const char* end, int64_t& previous);
  bool fail(const std::string& message);

  SvmlightOptions options_;
  SvmlightData data_;
  std::string partial_;  // the start of a line cut by the end of a chunk
  std::string error_;
  size_t line_ = 0;
  int64_t minIndex_ = INT64_MAX, maxIndex_ = -1;
  size_t maxIndexLine_ = 0;
};

// Progress and cancellation for the whole-input readers: cancelled is polled between chunks;
// progress(done, total) is called after each chunk (total 0 when unknown).
struct ReadControl {
  const std::atomic<bool>* cancelled = nullptr;
  std::function<void(uint64_t done, uint64_t total)> progress;
};

// Reads a whole file in chunks. Returns false with a message on error or cancellation.
bool readSvmlightFile(const std::string& path, const SvmlightOptions& options, SvmlightData& out,
                      std::string& error, const ReadControl& control = {});
// Parses text already in memory (in chunks too, so cancellation and progress work the same way).
bool parseSvmlightText(const char* text, size_t size, const SvmlightOptions& options, SvmlightData& out,
                       std::string& error, const ReadControl& control = {});

}  // namespace descent
