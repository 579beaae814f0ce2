# int8 micro-kernel: 6 rows x 64 outputs of exact int32 sums on 512-bit VPDPBUSD (AVX512-VNNI).
# .NET 10 exposes VPDPBUSD only in its 256-bit AVX-VNNI form, which halves the rate on CPUs with 512-bit units.
# Assemble: as vnni_u8s8_6x64.s -o k.o && objcopy -O binary -j .text k.o vnni_u8s8_6x64.bin
# (NativeKernelCodeTests checks the committed .bin against this source wherever binutils exist.)
#
# System V x86-64:
#   rdi  a      unsigned activation bytes of row 0 at this k (rows lda bytes apart), 4 per k-quad
#   rsi  lda    bytes between rows
#   rdx  b      panel p at this k: k-quad-major, 32 outputs x 4 signed bytes (128 bytes) per quad
#   rcx  pstep  bytes from panel p to panel p+1 (0 reads panel p twice)
#   r8   quads  k-quads to multiply (0 stores zeros)
#   r9   out    int32[6][64]: row r's sums for panel p's 32 outputs, then panel p+1's
# Uses only caller-saved registers (rax, rcx, rdx, rsi, rdi, r8-r11, zmm0-31).
    .intel_syntax noprefix
    .text
    .globl vnni_u8s8_6x64
vnni_u8s8_6x64:
    lea r10, [rdi+rsi*2]
    add r10, rsi
    lea r11, [rdx+rcx]
    .irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23
    vpxord zmm\i, zmm\i, zmm\i
    .endr
    test r8, r8
    jz 2f
1:
    vmovdqu32 zmm24, [rdx]
    vmovdqu32 zmm25, [rdx+64]
    vmovdqu32 zmm26, [r11]
    vmovdqu32 zmm27, [r11+64]
    vpbroadcastd zmm28, [rdi]
    vpbroadcastd zmm29, [rdi+rsi]
    vpdpbusd zmm0, zmm28, zmm24
    vpdpbusd zmm1, zmm28, zmm25
    vpdpbusd zmm2, zmm28, zmm26
    vpdpbusd zmm3, zmm28, zmm27
    vpbroadcastd zmm30, [rdi+rsi*2]
    vpdpbusd zmm4, zmm29, zmm24
    vpdpbusd zmm5, zmm29, zmm25
    vpdpbusd zmm6, zmm29, zmm26
    vpdpbusd zmm7, zmm29, zmm27
    vpbroadcastd zmm31, [r10]
    vpdpbusd zmm8, zmm30, zmm24
    vpdpbusd zmm9, zmm30, zmm25
    vpdpbusd zmm10, zmm30, zmm26
    vpdpbusd zmm11, zmm30, zmm27
    vpbroadcastd zmm28, [r10+rsi]
    vpdpbusd zmm12, zmm31, zmm24
    vpdpbusd zmm13, zmm31, zmm25
    vpdpbusd zmm14, zmm31, zmm26
    vpdpbusd zmm15, zmm31, zmm27
    vpbroadcastd zmm29, [r10+rsi*2]
    vpdpbusd zmm16, zmm28, zmm24
    vpdpbusd zmm17, zmm28, zmm25
    vpdpbusd zmm18, zmm28, zmm26
    vpdpbusd zmm19, zmm28, zmm27
    vpdpbusd zmm20, zmm29, zmm24
    vpdpbusd zmm21, zmm29, zmm25
    vpdpbusd zmm22, zmm29, zmm26
    vpdpbusd zmm23, zmm29, zmm27
    add rdi, 4
    add r10, 4
    add rdx, 128
    add r11, 128
    dec r8
    jnz 1b
2:
    .irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23
    vmovdqu32 [r9+\i*64], zmm\i
    .endr
    vzeroupper
    ret
