// Hark interop check: loads a whisper.cpp GGML model, sets the mel features Hark dumped, encodes, feeds Hark's prompt
// and decodes greedily, writing each step's logits beside Hark's for `Hark.Bench logits --compare`. whisper.cpp's
// API exposes no encoder output, so only logits are compared.
// Usage: wcpp_logits MODEL_FILE DUMP_DIR STEPS [THREADS]; WCPP_FLASH_ATTN=0 turns off whisper.cpp's flash attention
// (on by default in 1.9.3; it runs attention in float16).
#include <whisper.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "../dump_io.h"

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
  const auto mel = hark_interop::read_floats(dir + "/mel.bin");
  if (whisper_set_mel(ctx, mel.data(), static_cast<int>(mel.size()) / n_mels, n_mels) != 0 || whisper_encode(ctx, 0, threads) != 0) {
    std::cerr << "whisper.cpp could not encode the features\n";
    return 1;
  }

  const auto prompt = hark_interop::read_prompt<whisper_token>(dir + "/prompt.txt");
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
  hark_interop::write_floats(dir + "/other_logits.bin", logits.data(), logits.size());
  std::cout << "whisper.cpp greedy tokens:";
  for (const auto id : tokens) std::cout << ' ' << id;
  std::cout << '\n';
  whisper_free(ctx);
  return 0;
}
