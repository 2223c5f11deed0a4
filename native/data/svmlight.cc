#include "svmlight.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <system_error>

#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
#define DESCENT_FLOAT_FROM_CHARS 1
#endif

namespace descent {

namespace {

constexpr size_t kChunkBytes = size_t(1) << 20;
constexpr int64_t kMaxIndex = INT32_MAX;

enum class NumberStatus { Ok, Invalid, OutOfRange };

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// Decimal text to double, locale-independent where the library allows it.
NumberStatus parseDouble(const char* b, const char* e, double& out) {
#if DESCENT_FLOAT_FROM_CHARS
  const std::from_chars_result r = std::from_chars(b, e, out);
  if (r.ec == std::errc::result_out_of_range) return NumberStatus::OutOfRange;
  return r.ec == std::errc() && r.ptr == e ? NumberStatus::Ok : NumberStatus::Invalid;
#else
  const std::string token(b, e);
  char* stop = nullptr;
  errno = 0;
  out = std::strtod(token.c_str(), &stop);
  if (stop != token.c_str() + token.size() || token.empty()) return NumberStatus::Invalid;
  return errno == ERANGE && std::isinf(out) ? NumberStatus::OutOfRange : NumberStatus::Ok;
#endif
}

// A float32 from decimal text, rounded once where the library can parse floats directly. Values
// that only fit as subnormals or underflow to zero are accepted; values beyond float32 are not.
NumberStatus parseFloat(const char* b, const char* e, float& out) {
  if (b < e && *b == '+' && (e - b == 1 || b[1] != '-')) ++b;  // from_chars takes no '+'; labels often have one
  if (b == e) return NumberStatus::Invalid;
#if DESCENT_FLOAT_FROM_CHARS
  const std::from_chars_result r = std::from_chars(b, e, out);
  if (r.ec == std::errc() && r.ptr == e) return NumberStatus::Ok;
  if (r.ec != std::errc::result_out_of_range) return NumberStatus::Invalid;
#endif
  double wide = 0.0;
  const NumberStatus s = parseDouble(b, e, wide);
  if (s != NumberStatus::Ok) return s;
  out = static_cast<float>(wide);
  return std::isinf(out) && !std::isinf(wide) ? NumberStatus::OutOfRange : NumberStatus::Ok;
}

std::string quoted(const char* b, const char* e) {
  const size_t n = static_cast<size_t>(e - b);
  return "'" + std::string(b, n > 40 ? 40 : n) + (n > 40 ? "...'" : "'");
}

const char* skipSpaces(const char* p, const char* e) {
  while (p < e && isSpace(*p)) ++p;
  return p;
}

const char* tokenEnd(const char* p, const char* e) {
  while (p < e && !isSpace(*p)) ++p;
  return p;
}

}  // namespace

bool SvmlightParser::fail(const std::string& message) {
  if (error_.empty()) error_ = "line " + std::to_string(line_) + ": " + message;
  return false;
}

bool SvmlightParser::feed(const char* data, size_t size) {
  if (!error_.empty()) return false;
  const char* p = data;
  const char* const end = data + size;
  while (p < end) {
    const char* newline = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (!newline) {
      partial_.append(p, end);
      break;
    }
    ++line_;
    bool ok;
    if (partial_.empty()) {
      ok = parseLine(p, newline);
    } else {
      partial_.append(p, newline);
      ok = parseLine(partial_.data(), partial_.data() + partial_.size());
      partial_.clear();
    }
    if (!ok) return false;
    p = newline + 1;
  }
  return true;
}

bool SvmlightParser::parseLine(const char* begin, const char* end) {
  if (const void* hash = std::memchr(begin, '#', static_cast<size_t>(end - begin)))
    end = static_cast<const char*>(hash);
  const char* p = skipSpaces(begin, end);
  if (p == end) return true;  // blank or comment-only

  const char* labelEnd = tokenEnd(p, end);
  if (std::memchr(p, ':', static_cast<size_t>(labelEnd - p)))
    return fail("expected a label before the features, got " + quoted(p, labelEnd));
  if (std::memchr(p, ',', static_cast<size_t>(labelEnd - p)))
    return fail("multi-label rows (comma-separated labels) are not supported: " + quoted(p, labelEnd));
  float label = 0.0f;
  const NumberStatus ls = parseFloat(p, labelEnd, label);
  if (ls == NumberStatus::Invalid) return fail("the label " + quoted(p, labelEnd) + " is not a number");
  if (ls == NumberStatus::OutOfRange) return fail("the label " + quoted(p, labelEnd) + " is outside the float32 range");

  int64_t previous = -1;
  for (p = skipSpaces(labelEnd, end); p < end; p = skipSpaces(p, end)) {
    const char* tokEnd = tokenEnd(p, end);
    const bool isQid = tokEnd - p > 4 && std::memcmp(p, "qid:", 4) == 0;  // query ids: ranking only, ignored
    if (!isQid && !parseFeature(p, tokEnd, previous)) return false;
    p = tokEnd;
  }
  if (data_.indices.size() > static_cast<size_t>(INT32_MAX))
    return fail("more than 2147483647 nonzeros in total: too many for an Int32Array indptr");
  data_.labels.push_back(label);
  data_.indptr.push_back(static_cast<int32_t>(data_.indices.size()));
  return true;
}

bool SvmlightParser::parseFeature(const char* begin, const char* end, int64_t& previous) {
  const char* colon = static_cast<const char*>(std::memchr(begin, ':', static_cast<size_t>(end - begin)));
  if (!colon) return fail(quoted(begin, end) + " is not index:value");
  int64_t index = 0;
  for (const char* q = begin; q < colon; ++q) {
    if (*q < '0' || *q > '9') return fail("the feature index " + quoted(begin, colon) + " is not a non-negative integer");
    index = index * 10 + (*q - '0');
    if (index > kMaxIndex) return fail("the feature index " + quoted(begin, colon) + " is larger than 2147483647");
  }
  if (colon == begin) return fail(quoted(begin, end) + " has no feature index before ':'");
  if (index == 0 && options_.base == SvmlightOptions::Base::One)
    return fail("feature index 0 in data read as one-based (zeroBased: false)");
  if (index <= previous)
    return fail("feature indices must be strictly increasing within a line: " + std::to_string(index) +
                " comes after " + std::to_string(previous));
  previous = index;

  float value = 0.0f;
  const NumberStatus vs = parseFloat(colon + 1, end, value);
  if (vs == NumberStatus::Invalid)
    return fail("the value " + quoted(colon + 1, end) + " of feature " + std::to_string(index) + " is not a number");
  if (vs == NumberStatus::OutOfRange)
    return fail("the value " + quoted(colon + 1, end) + " of feature " + std::to_string(index) +
                " is outside the float32 range");
  if (index < minIndex_) minIndex_ = index;
  if (index > maxIndex_) {
    maxIndex_ = index;
    maxIndexLine_ = line_;
  }
  data_.indices.push_back(static_cast<int32_t>(index));
  data_.values.push_back(value);
  return true;
}

bool SvmlightParser::finish(SvmlightData& out) {
  if (!error_.empty()) return false;
  if (!partial_.empty()) {
    ++line_;
    if (!parseLine(partial_.data(), partial_.data() + partial_.size())) return false;
    partial_.clear();
  }
  // Auto: one-based unless an index 0 appeared (also when there are no features: nothing shifts).
  const bool oneBased = options_.base == SvmlightOptions::Base::One ||
                        (options_.base == SvmlightOptions::Base::Auto && minIndex_ > 0);
  const int64_t shift = oneBased ? 1 : 0;
  if (shift)
    for (int32_t& j : data_.indices) j -= 1;
  const int64_t needed = maxIndex_ < 0 ? 0 : maxIndex_ - shift + 1;
  if (options_.nFeatures >= 0) {
    if (needed > options_.nFeatures) {
      line_ = maxIndexLine_;
      return fail("feature index " + std::to_string(maxIndex_) + (oneBased ? " (one-based)" : " (zero-based)") +
                  " does not fit nFeatures = " + std::to_string(options_.nFeatures));
    }
    data_.cols = static_cast<size_t>(options_.nFeatures);
  } else {
    data_.cols = static_cast<size_t>(needed);
  }
  out = std::move(data_);
  data_ = SvmlightData();
  return true;
}

namespace {

bool cancelled(const ReadControl& control) {
  return control.cancelled && control.cancelled->load(std::memory_order_relaxed);
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

uint64_t fileSize(std::FILE* f) {
  if (std::fseek(f, 0, SEEK_END) != 0) return 0;
  const long size = std::ftell(f);
  std::rewind(f);
  return size > 0 ? static_cast<uint64_t>(size) : 0;
}

}  // namespace

bool readSvmlightFile(const std::string& path, const SvmlightOptions& options, SvmlightData& out,
                      std::string& error, const ReadControl& control) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    error = "cannot open '" + path + "': " + std::generic_category().message(errno);
    return false;
  }
  const uint64_t total = fileSize(file.get());
  SvmlightParser parser(options);
  std::vector<char> chunk(kChunkBytes);
  uint64_t done = 0;
  for (;;) {
    if (cancelled(control)) {
      error = "cancelled";
      return false;
    }
    const size_t n = std::fread(chunk.data(), 1, chunk.size(), file.get());
    if (n == 0) break;
    if (!parser.feed(chunk.data(), n)) {
      error = parser.error();
      return false;
    }
    done += n;
    if (control.progress) control.progress(done, total);
  }
  if (std::ferror(file.get())) {
    error = "read error on '" + path + "'";
    return false;
  }
  if (!parser.finish(out)) {
    error = parser.error();
    return false;
  }
  return true;
}

bool parseSvmlightText(const char* text, size_t size, const SvmlightOptions& options, SvmlightData& out,
                       std::string& error, const ReadControl& control) {
  SvmlightParser parser(options);
  for (size_t at = 0; at < size; at += kChunkBytes) {
    if (cancelled(control)) {
      error = "cancelled";
      return false;
    }
    const size_t n = size - at < kChunkBytes ? size - at : kChunkBytes;
    if (!parser.feed(text + at, n)) {
      error = parser.error();
      return false;
    }
    if (control.progress) control.progress(at + n, size);
  }
  if (!parser.finish(out)) {
    error = parser.error();
    return false;
  }
  return true;
}

}  // namespace descent
