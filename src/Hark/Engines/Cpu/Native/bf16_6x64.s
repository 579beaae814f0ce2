# bfloat16 micro-kernel: 6 rows x 64 outputs of float32 sums on VDPBF16PS (AVX512-BF16), which .NET 10 has no
# intrinsic for.
# Assemble: as bf16_6x64.s -o k.o && objcopy -O binary -j .text k.o bf16_6x64.bin
# (NativeKernelCodeTests checks the committed .bin against this source wherever binutils exist.)
#
# Weight panels are k-major (32 bfloat16 outputs, 64 bytes, per k), as the float32-widening kernels read them;
# VPUNPCKLWD/VPUNPCKHWD of rows k and k+1 make the (k, k+1) pairs VDPBF16PS multiplies. Within each 128-bit lane the
# low unpack holds outputs 0-3 and the high unpack outputs 4-7, so each panel's 32 sums come out as
#   lo: outputs 0-3, 8-11, 16-19, 24-27   hi: outputs 4-7, 12-15, 20-23, 28-31
# and the caller restores the order.
#
# System V x86-64:
#   rdi  a      bfloat16 activations of row 0 at this k (rows lda bytes apart), a (k, k+1) pair per dword
#   rsi  lda    bytes between rows
#   rdx  b      panel p at this k
#   rcx  pstep  bytes from panel p to panel p+1 (0 reads panel p twice)
#   r8   pairs  k-pairs to multiply (0 stores zeros)
#   r9   out    float[6][64]: row r's panel p lo, panel p hi, panel p+1 lo, panel p+1 hi
# Uses only caller-saved registers (rax, rcx, rdx, rsi, rdi, r8-r11, zmm0-31).
    .intel_syntax noprefix
    .text
    .globl bf16_6x64
bf16_6x64:
    lea r10, [rdi+rsi*2]
    add r10, rsi
    lea r11, [rdx+rcx]
    .irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23
    vpxord zmm\i, zmm\i, zmm\i
    .endr
    test r8, r8
    jz 2f
1:
    vmovdqu16 zmm24, [rdx]
    vmovdqu16 zmm25, [rdx+64]
    vpunpcklwd zmm26, zmm24, zmm25
    vpunpckhwd zmm27, zmm24, zmm25
    vmovdqu16 zmm28, [r11]
    vmovdqu16 zmm29, [r11+64]
    vpunpcklwd zmm30, zmm28, zmm29
    vpunpckhwd zmm31, zmm28, zmm29
    vpbroadcastd zmm24, [rdi]
    vpbroadcastd zmm25, [rdi+rsi]
    vdpbf16ps zmm0, zmm26, zmm24
    vdpbf16ps zmm1, zmm27, zmm24
    vdpbf16ps zmm2, zmm30, zmm24
    vdpbf16ps zmm3, zmm31, zmm24
    vpbroadcastd zmm28, [rdi+rsi*2]
    vdpbf16ps zmm4, zmm26, zmm25
    vdpbf16ps zmm5, zmm27, zmm25
    vdpbf16ps zmm6, zmm30, zmm25
    vdpbf16ps zmm7, zmm31, zmm25
    vpbroadcastd zmm29, [r10]
    vdpbf16ps zmm8, zmm26, zmm28
    vdpbf16ps zmm9, zmm27, zmm28
    vdpbf16ps zmm10, zmm30, zmm28
    vdpbf16ps zmm11, zmm31, zmm28
    vpbroadcastd zmm24, [r10+rsi]
    vdpbf16ps zmm12, zmm26, zmm29
    vdpbf16ps zmm13, zmm27, zmm29
    vdpbf16ps zmm14, zmm30, zmm29
    vdpbf16ps zmm15, zmm31, zmm29
    vpbroadcastd zmm25, [r10+rsi*2]
    vdpbf16ps zmm16, zmm26, zmm24
    vdpbf16ps zmm17, zmm27, zmm24
    vdpbf16ps zmm18, zmm30, zmm24
    vdpbf16ps zmm19, zmm31, zmm24
    vdpbf16ps zmm20, zmm26, zmm25
    vdpbf16ps zmm21, zmm27, zmm25
    vdpbf16ps zmm22, zmm30, zmm25
    vdpbf16ps zmm23, zmm31, zmm25
    add rdi, 4
    add r10, 4
    add rdx, 128
    add r11, 128
    dec r8
    jnz 1b
2:
    .irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23
    vmovups [r9+\i*64], zmm\i
    .endr
    vzeroupper
    ret
