// Hark interop check: loads a whisper.cpp GGML model, sets the mel features Hark dumped, encodes, feeds Hark's prompt
// and decodes greedily, writing each step's logits beside Hark's for `Hark.Bench logits --compare`. whisper.cpp's
// API exposes no encoder output, so only logits are compared.
// Usage: wcpp_logits MODEL_FILE DUMP_DIR STEPS [THREADS]; WCPP_FLASH_ATTN=0 turns off whisper.cpp's flash attention
// (on by default in 1.9.3; it runs attention in float16).
#include <whisper.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<float> read_floats(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) throw std::runtime_error("cannot read " + path);
  std::vector<float> values(static_cast<size_t>(file.tellg()) / sizeof(float));
  file.seekg(0);
  file.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(float)));
  return values;
}

std::vector<whisper_token> read_prompt(const std::string& path) {
  std::ifstream file(path);
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::vector<whisper_token> ids;
  std::stringstream stream(text);
  for (std::string id; std::getline(stream, id, ',');) ids.push_back(std::stoi(id));
  return ids;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: wcpp_logits MODEL_FILE DUMP_DIR STEPS [THREADS]\n";
    return 2;
  }
  const std::string dir = argv[2];
  const int steps = std::stoi(argv[3]);
  const int threads = argc > 4 ? std::stoi(argv[4]) : 2;

  auto params = whisper_context_default_params();
  params.use_gpu = false;
  if (const char* fa = std::getenv("WCPP_FLASH_ATTN")) params.flash_attn = std::string(fa) != "0";
  whisper_context* ctx = whisper_init_from_file_with_params(argv[1], params);
  if (ctx == nullptr) {
    std::cerr << "whisper.cpp could not load " << argv[1] << '\n';
    return 1;
  }
  const int n_mels = whisper_model_n_mels(ctx);
  const int n_vocab = whisper_n_vocab(ctx);
  const auto mel = read_floats(dir + "/mel.bin");
  if (whisper_set_mel(ctx, mel.data(), static_cast<int>(mel.size()) / n_mels, n_mels) != 0 || whisper_encode(ctx, 0, threads) != 0) {
    std::cerr << "whisper.cpp could not encode the features\n";
    return 1;
  }

  const auto prompt = read_prompt(dir + "/prompt.txt");
  std::vector<float> logits;
  std::vector<whisper_token> tokens;
  int past = 0;
  std::vector<whisper_token> feed = prompt;
  for (int step = 0; step < steps; step++) {
    if (whisper_decode(ctx, feed.data(), static_cast<int>(feed.size()), past, threads) != 0) {
      std::cerr << "whisper.cpp decode failed at step " << step << '\n';
      return 1;
    }
    past += static_cast<int>(feed.size());
    const float* row = whisper_get_logits(ctx) + static_cast<size_t>(feed.size() - 1) * n_vocab;   // the last token's
    logits.insert(logits.end(), row, row + n_vocab);
    const auto best = static_cast<whisper_token>(std::max_element(row, row + n_vocab) - row);
    tokens.push_back(best);
    feed = {best};
  }
  std::ofstream(dir + "/other_logits.bin", std::ios::binary)
      .write(reinterpret_cast<const char*>(logits.data()), static_cast<std::streamsize>(logits.size() * sizeof(float)));
  std::cout << "whisper.cpp greedy tokens:";
  for (const auto id : tokens) std::cout << ' ' << id;
  std::cout << '\n';
  whisper_free(ctx);
  return 0;
}
