// Hark interop check: loads a CTranslate2 Whisper model (the engine under faster-whisper), encodes the mel features
// Hark dumped, decodes greedily after Hark's prompt with no logit filters, and writes the encoder output and each
// step's logits beside Hark's, for `Hark.Bench logits --compare`.
// Usage: ct2_logits MODEL_DIR DUMP_DIR STEPS [COMPUTE_TYPE]
#include <ctranslate2/models/whisper.h>

#include <iostream>

#include "../dump_io.h"

using hark_interop::read_floats;
using hark_interop::write_floats;

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: ct2_logits MODEL_DIR DUMP_DIR STEPS [COMPUTE_TYPE]\n";
    return 2;
  }
  const std::string model = argv[1];
  const std::string dir = argv[2];
  const size_t steps = std::stoul(argv[3]);
  const std::string compute = argc > 4 ? argv[4] : "default";

  ctranslate2::models::Whisper whisper(model, ctranslate2::Device::CPU, ctranslate2::str_to_compute_type(compute));
  const ctranslate2::dim_t mels = whisper.n_mels();
  const auto mel = read_floats(dir + "/mel.bin");
  const ctranslate2::dim_t frames = static_cast<ctranslate2::dim_t>(mel.size()) / mels;
  const ctranslate2::StorageView features({1, mels, frames}, mel);

  const auto encoded = whisper.encode(features, true).get();
  write_floats(dir + "/other_encoder.bin", encoded.data<float>(), encoded.size());

  const auto prompt = hark_interop::read_prompt<size_t>(dir + "/prompt.txt");
  ctranslate2::models::WhisperOptions options;
  options.beam_size = 1;
  // CTranslate2 generates min(max_length / 2, max_length − prompt) tokens (openai's sample_len is half the context).
  options.max_length = 2 * (prompt.size() + steps);
  options.return_logits_vocab = true;            // raw logits of every step
  options.suppress_blank = false;
  options.suppress_tokens = {};
  auto result = whisper.generate(features, std::vector<std::vector<size_t>>{prompt}, options)[0].get();

  std::vector<float> logits;
  for (const auto& step : result.logits[0]) {
    const auto values = step.to_float32();
    logits.insert(logits.end(), values.data<float>(), values.data<float>() + values.size());
  }
  write_floats(dir + "/other_logits.bin", logits.data(), logits.size());
  std::cout << "ctranslate2 " << compute << " greedy tokens:";
  for (const auto id : result.sequences_ids[0]) std::cout << ' ' << id;
  std::cout << '\n';
  return 0;
}
