// Reads what `Hark.Bench logits --dump` writes (raw little-endian float32 files, a comma-separated prompt) and writes
// the other runtime's results beside it. Shared by the CTranslate2 and whisper.cpp harnesses.
#pragma once

#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace hark_interop {

inline std::vector<float> read_floats(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) throw std::runtime_error("cannot read " + path);
  std::vector<float> values(static_cast<size_t>(file.tellg()) / sizeof(float));
  file.seekg(0);
  file.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(float)));
  return values;
}

inline void write_floats(const std::string& path, const float* data, size_t count) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(count * sizeof(float)));
}

template <typename Id>
std::vector<Id> read_prompt(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read " + path);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::vector<Id> ids;
  std::stringstream stream(text);
  for (std::string id; std::getline(stream, id, ',');) ids.push_back(static_cast<Id>(std::stol(id)));
  return ids;
}

}  // namespace hark_interop
