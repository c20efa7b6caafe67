/*
 * libcbtm_mkl_dispatch.so: lets oneMKL pick its kernels by the CPU's features on AMD processors.
 *
 * DJL's libtorch (2.7.1, CPU) links oneMKL 2024 statically and runs every fp32 matrix product (Linear, matmul,
 * their gradients) through MKL's SGEMM. MKL asks mkl_serv_intel_cpu_true() whether the vendor is Intel; on an
 * AMD CPU the answer is no and MKL takes its generic code path ("Intel(R) Architecture processors" in
 * MKL_VERBOSE) whatever instructions the CPU has. On this project's AMD EPYC (AVX-512 F/BW/DQ/VL) that path ran
 * the output layer's (2048 x 256) . (256 x 47,815) product in 370 ms; with this library preloaded, MKL takes its
 * AVX-512 path and the same product took 140-155 ms (Debian PyTorch's OpenBLAS: 270 ms). See
 * environment/bench/training and figures/bench-training.md.
 *
 * libtorch_cpu.so exports these MKL service functions and calls them through its PLT, so a preloaded definition
 * wins. MKL still checks each instruction set by CPUID before using it, so a CPU without AVX-512 gets the AVX2
 * kernels, never an illegal instruction. On Intel CPUs the answer is already yes and the library changes nothing;
 * environment/lib.sh builds and preloads it on AMD only (CBTM_MKL_DISPATCH=off turns it off).
 *
 * Built by environment/lib.sh (cbtm_mkl_dispatch): gcc -shared -fPIC -O2.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
int mkl_serv_intel_cpu(void) { return 1; }
