// The natives of DJL's ai.djl.pytorch.jni.PyTorchLibrary (pytorch-engine 0.36.0) that codi's model
// calls, built against whatever libtorch the machine has. DJL's own libdjl_torch.so is compiled
// against libtorch 2.7.1's C++ ABI and does not link against another version (docs/gpu.md); this
// library lets the unchanged Java side run on a machine whose only libtorch is newer, e.g. a GPU
// machine with PyTorch 2.11+cu130.
//
// Written from the Java declarations (javac -h on PyTorchLibrary.java from the 0.36.0 sources jar)
// and the Java callers in JniUtils; the list of natives is what `java -verbose:jni` shows the
// sampler, the decoders and DJL's engine start-up binding, plus a few neighbours on the same paths
// (see build.sh). A native Java calls that is not here fails with UnsatisfiedLinkError, loudly.
//
// Conventions, as DJL's Java side expects them: a tensor handle is a heap-allocated at::Tensor*
// (torchDeleteTensor frees it), an index handle a std::vector<at::indexing::TensorIndex>*, a dtype
// the ordinal of ai.djl.ndarray.types.DataType, a device the pair {c10::DeviceType, index}.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <jni.h>

#include <string>
#include <vector>

namespace {

using TensorIndices = std::vector<at::indexing::TensorIndex>;

constexpr jint kDataTypeUnknown = 9;

at::ScalarType scalarTypeOf(jint dataTypeOrdinal) {
  switch (dataTypeOrdinal) {
    case 0: return at::kFloat;
    case 1: return at::kDouble;
    case 2: return at::kHalf;
    case 3: return at::kByte;
    case 4: return at::kInt;
    case 5: return at::kChar;
    case 6: return at::kLong;
    case 7: return at::kBool;
    case 8: return at::kComplexFloat;
    case 11: return at::kBFloat16;
    case 15: return at::kShort;
    default: throw std::invalid_argument("data type ordinal " + std::to_string(dataTypeOrdinal) + " has no libtorch scalar type here");
  }
}

jint dataTypeOrdinalOf(at::ScalarType type) {
  switch (type) {
    case at::kFloat: return 0;
    case at::kDouble: return 1;
    case at::kHalf: return 2;
    case at::kByte: return 3;
    case at::kInt: return 4;
    case at::kChar: return 5;
    case at::kLong: return 6;
    case at::kBool: return 7;
    case at::kComplexFloat: return 8;
    case at::kBFloat16: return 11;
    case at::kShort: return 15;
    default: return kDataTypeUnknown;
  }
}

at::Tensor& tensorAt(jlong handle) { return *reinterpret_cast<at::Tensor*>(handle); }

jlong handleOf(at::Tensor tensor) { return reinterpret_cast<jlong>(new at::Tensor(std::move(tensor))); }

std::vector<int64_t> longsOf(JNIEnv* env, jlongArray array) {
  const jsize length = env->GetArrayLength(array);
  std::vector<int64_t> values(length);
  env->GetLongArrayRegion(array, 0, length, reinterpret_cast<jlong*>(values.data()));
  return values;
}

std::vector<at::Tensor> tensorsOf(JNIEnv* env, jlongArray handles) {
  std::vector<at::Tensor> tensors;
  for (int64_t handle : longsOf(env, handles)) {
    tensors.push_back(tensorAt(handle));
  }
  return tensors;
}

jlongArray handlesOf(JNIEnv* env, const std::vector<at::Tensor>& tensors) {
  std::vector<jlong> handles;
  handles.reserve(tensors.size());
  for (const auto& tensor : tensors) {
    handles.push_back(handleOf(tensor));
  }
  jlongArray array = env->NewLongArray(static_cast<jsize>(handles.size()));
  env->SetLongArrayRegion(array, 0, static_cast<jsize>(handles.size()), handles.data());
  return array;
}

at::Device deviceOf(JNIEnv* env, jintArray typeAndIndex) {
  jint values[2];
  env->GetIntArrayRegion(typeAndIndex, 0, 2, values);
  const auto type = static_cast<c10::DeviceType>(values[0]);
  return type == c10::DeviceType::CPU ? at::Device(type) : at::Device(type, static_cast<c10::DeviceIndex>(values[1]));
}

at::TensorOptions optionsOf(JNIEnv* env, jint dataType, jint layout, jintArray device, jboolean requiresGrad) {
  auto options = at::TensorOptions()
                     .layout(layout == 1 ? at::kSparse : at::kStrided)
                     .device(deviceOf(env, device))
                     .requires_grad(requiresGrad == JNI_TRUE);
  if (dataType != kDataTypeUnknown) {
    options = options.dtype(scalarTypeOf(dataType));
  }
  return options;
}

void throwEngineException(JNIEnv* env, const char* message) {
  jclass engineException = env->FindClass("ai/djl/engine/EngineException");
  if (engineException == nullptr) {
    env->ExceptionClear();
    engineException = env->FindClass("java/lang/RuntimeException");
  }
  env->ThrowNew(engineException, message);
}

// Runs body; a libtorch error becomes an ai.djl.engine.EngineException with libtorch's message.
template <typename Result, typename Body>
Result guarded(JNIEnv* env, Result onError, Body body) {
  try {
    return body();
  } catch (const c10::Error& error) {
    throwEngineException(env, error.what_without_backtrace());
  } catch (const std::exception& error) {
    throwEngineException(env, error.what());
  }
  return onError;
}

template <typename Body>
void guardedVoid(JNIEnv* env, Body body) {
  guarded<int>(env, 0, [&] {
    body();
    return 0;
  });
}

template <typename Op>
jlong unary(JNIEnv* env, jlong handle, Op op) {
  return guarded<jlong>(env, 0, [&] { return handleOf(op(tensorAt(handle))); });
}

template <typename Op>
jlong binary(JNIEnv* env, jlong self, jlong other, Op op) {
  return guarded<jlong>(env, 0, [&] { return handleOf(op(tensorAt(self), tensorAt(other))); });
}

}  // namespace

#define CODI_NATIVE(returns, name) extern "C" JNIEXPORT returns JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_##name

// ---- engine and system --------------------------------------------------------------------------

CODI_NATIVE(void, torchShowConfig)(JNIEnv* env, jobject, jobject features) {
  jclass setClass = env->FindClass("java/util/Set");
  jmethodID add = env->GetMethodID(setClass, "add", "(Ljava/lang/Object;)Z");
  auto addFeature = [&](bool present, const char* name) {
    if (present) {
      jstring feature = env->NewStringUTF(name);
      env->CallBooleanMethod(features, add, feature);
      env->DeleteLocalRef(feature);
    }
  };
  addFeature(at::globalContext().hasCUDA(), "CUDA");
  addFeature(at::globalContext().hasCuDNN(), "CUDNN");
  addFeature(at::hasMKL(), "MKL");
  addFeature(at::hasMKLDNN(), "MKLDNN");
  addFeature(at::hasOpenMP(), "OPENMP");
}

CODI_NATIVE(void, torchSetGradMode)(JNIEnv*, jobject, jboolean enable) { c10::GradMode::set_enabled(enable == JNI_TRUE); }

CODI_NATIVE(jboolean, torchIsGradMode)(JNIEnv*, jobject) { return c10::GradMode::is_enabled() ? JNI_TRUE : JNI_FALSE; }

CODI_NATIVE(jint, torchGetNumThreads)(JNIEnv*, jobject) { return at::get_num_threads(); }

CODI_NATIVE(jint, torchGetNumInteropThreads)(JNIEnv*, jobject) { return at::get_num_interop_threads(); }

CODI_NATIVE(void, torchSetNumThreads)(JNIEnv* env, jobject, jint threads) {
  guardedVoid(env, [&] { at::set_num_threads(threads); });
}

CODI_NATIVE(void, torchSetNumInteropThreads)(JNIEnv* env, jobject, jint threads) {
  guardedVoid(env, [&] { at::set_num_interop_threads(threads); });
}

CODI_NATIVE(void, torchManualSeed)(JNIEnv* env, jobject, jlong seed) {
  guardedVoid(env, [&] { at::manual_seed(static_cast<uint64_t>(seed)); });
}

// ---- tensor handles and properties --------------------------------------------------------------

CODI_NATIVE(void, torchDeleteTensor)(JNIEnv*, jobject, jlong handle) { delete reinterpret_cast<at::Tensor*>(handle); }

CODI_NATIVE(jlongArray, torchSizes)(JNIEnv* env, jobject, jlong handle) {
  const auto sizes = tensorAt(handle).sizes();
  jlongArray result = env->NewLongArray(static_cast<jsize>(sizes.size()));
  env->SetLongArrayRegion(result, 0, static_cast<jsize>(sizes.size()), reinterpret_cast<const jlong*>(sizes.data()));
  return result;
}

CODI_NATIVE(jint, torchDType)(JNIEnv*, jobject, jlong handle) { return dataTypeOrdinalOf(tensorAt(handle).scalar_type()); }

CODI_NATIVE(jintArray, torchDevice)(JNIEnv* env, jobject, jlong handle) {
  const auto device = tensorAt(handle).device();
  jint values[2] = {static_cast<jint>(device.type()), static_cast<jint>(device.index())};
  jintArray result = env->NewIntArray(2);
  env->SetIntArrayRegion(result, 0, 2, values);
  return result;
}

CODI_NATIVE(jint, torchLayout)(JNIEnv*, jobject, jlong handle) {
  switch (tensorAt(handle).layout()) {
    case at::kSparse: return 1;
    case at::kMkldnn: return 2;
    default: return 0;
  }
}

CODI_NATIVE(jboolean, torchIsContiguous)(JNIEnv*, jobject, jlong handle) {
  return tensorAt(handle).is_contiguous() ? JNI_TRUE : JNI_FALSE;
}

CODI_NATIVE(jlong, torchToContiguous)(JNIEnv* env, jobject, jlong handle) {
  return unary(env, handle, [](const at::Tensor& t) { return t.contiguous(); });
}

CODI_NATIVE(jboolean, torchRequiresGrad)(JNIEnv*, jobject, jlong handle) {
  return tensorAt(handle).requires_grad() ? JNI_TRUE : JNI_FALSE;
}

CODI_NATIVE(void, torchAttachGrad)(JNIEnv* env, jobject, jlong handle, jboolean requiresGrad) {
  guardedVoid(env, [&] { tensorAt(handle).requires_grad_(requiresGrad == JNI_TRUE); });
}

CODI_NATIVE(jlong, torchTo)(JNIEnv* env, jobject, jlong handle, jint dataType, jintArray device) {
  return guarded<jlong>(env, 0, [&] {
    at::NoGradGuard noGrad;
    return handleOf(tensorAt(handle).to(deviceOf(env, device), scalarTypeOf(dataType), /*non_blocking=*/false));
  });
}

// The Java side moves a tensor to the CPU and makes it contiguous before asking for its bytes.
CODI_NATIVE(jobject, torchDirectByteBuffer)(JNIEnv* env, jobject, jlong handle) {
  const at::Tensor& tensor = tensorAt(handle);
  return env->NewDirectByteBuffer(tensor.data_ptr(), static_cast<jlong>(tensor.nbytes()));
}

CODI_NATIVE(jbyteArray, torchDataPtr)(JNIEnv* env, jobject, jlong handle) {
  return guarded<jbyteArray>(env, nullptr, [&] {
    const at::Tensor tensor = tensorAt(handle).to(at::kCPU).contiguous();
    jbyteArray result = env->NewByteArray(static_cast<jsize>(tensor.nbytes()));
    env->SetByteArrayRegion(result, 0, static_cast<jsize>(tensor.nbytes()), static_cast<const jbyte*>(tensor.data_ptr()));
    return result;
  });
}

// ---- creation -----------------------------------------------------------------------------------

// On the CPU the tensor borrows the direct buffer, which the Java side keeps alive; on another
// device it is copied there and the buffer is no longer needed.
CODI_NATIVE(jlong, torchFromBlob)(JNIEnv* env, jobject, jobject buffer, jlongArray shape, jint dataType, jint layout,
    jintArray device, jboolean requiresGrad) {
  return guarded<jlong>(env, 0, [&] {
    const auto target = deviceOf(env, device);
    auto options = at::TensorOptions().requires_grad(requiresGrad == JNI_TRUE);
    if (dataType != kDataTypeUnknown) {
      options = options.dtype(scalarTypeOf(dataType));
    }
    at::Tensor result = at::from_blob(env->GetDirectBufferAddress(buffer), longsOf(env, shape), options);
    if (layout == 1) {
      result = result.to_sparse();
    } else if (layout == 2) {
      result = result.to_mkldnn();
    }
    if (!target.is_cpu()) {
      result = result.to(target);
    }
    return handleOf(result);
  });
}

CODI_NATIVE(jlong, torchZeros)(JNIEnv* env, jobject, jlongArray shape, jint dataType, jint layout, jintArray device,
    jboolean requiresGrad) {
  return guarded<jlong>(env, 0, [&] {
    return handleOf(at::zeros(longsOf(env, shape), optionsOf(env, dataType, layout, device, requiresGrad)));
  });
}

CODI_NATIVE(jlong, torchOnes)(JNIEnv* env, jobject, jlongArray shape, jint dataType, jint layout, jintArray device,
    jboolean requiresGrad) {
  return guarded<jlong>(env, 0, [&] {
    return handleOf(at::ones(longsOf(env, shape), optionsOf(env, dataType, layout, device, requiresGrad)));
  });
}

CODI_NATIVE(jlong, torchFull)(JNIEnv* env, jobject, jlongArray shape, jdouble fill, jint dataType, jint layout,
    jintArray device, jboolean requiresGrad) {
  return guarded<jlong>(env, 0, [&] {
    return handleOf(at::full(longsOf(env, shape), fill, optionsOf(env, dataType, layout, device, requiresGrad)));
  });
}

// ---- indexing -----------------------------------------------------------------------------------

CODI_NATIVE(jlong, torchIndexInit)(JNIEnv*, jobject, jint size) {
  auto* indices = new TensorIndices();
  indices->reserve(size);
  return reinterpret_cast<jlong>(indices);
}

CODI_NATIVE(void, torchDeleteIndex)(JNIEnv*, jobject, jlong handle) { delete reinterpret_cast<TensorIndices*>(handle); }

// nullSliceBinary: 2 when the start is absent, 1 when the end is absent, 3 when both are.
CODI_NATIVE(void, torchIndexAppendSlice)(JNIEnv*, jobject, jlong handle, jlong start, jlong stop, jlong step,
    jint nullSliceBinary) {
  using at::indexing::None;
  using at::indexing::Slice;
  auto* indices = reinterpret_cast<TensorIndices*>(handle);
  const bool noStart = (nullSliceBinary & 2) != 0;
  const bool noStop = (nullSliceBinary & 1) != 0;
  if (noStart && noStop) {
    indices->emplace_back(Slice(None, None, step));
  } else if (noStart) {
    indices->emplace_back(Slice(None, stop, step));
  } else if (noStop) {
    indices->emplace_back(Slice(start, None, step));
  } else {
    indices->emplace_back(Slice(start, stop, step));
  }
}

CODI_NATIVE(void, torchIndexAppendFixed)(JNIEnv*, jobject, jlong handle, jlong index) {
  reinterpret_cast<TensorIndices*>(handle)->emplace_back(static_cast<int64_t>(index));
}

CODI_NATIVE(void, torchIndexAppendNoneEllipsis)(JNIEnv*, jobject, jlong handle, jboolean isEllipsis) {
  auto* indices = reinterpret_cast<TensorIndices*>(handle);
  if (isEllipsis == JNI_TRUE) {
    indices->emplace_back(at::indexing::Ellipsis);
  } else {
    indices->emplace_back(at::indexing::None);
  }
}

CODI_NATIVE(jlong, torchIndexAdvGet)(JNIEnv* env, jobject, jlong handle, jlong indexHandle) {
  return guarded<jlong>(env, 0, [&] { return handleOf(tensorAt(handle).index(*reinterpret_cast<TensorIndices*>(indexHandle))); });
}

// ---- shape --------------------------------------------------------------------------------------

CODI_NATIVE(jlong, torchReshape)(JNIEnv* env, jobject, jlong handle, jlongArray shape) {
  return guarded<jlong>(env, 0, [&] { return handleOf(tensorAt(handle).reshape(longsOf(env, shape))); });
}

CODI_NATIVE(jlong, torchPermute)(JNIEnv* env, jobject, jlong handle, jlongArray dims) {
  return guarded<jlong>(env, 0, [&] { return handleOf(tensorAt(handle).permute(longsOf(env, dims))); });
}

CODI_NATIVE(jlong, torchExpand)(JNIEnv* env, jobject, jlong handle, jlongArray shape) {
  return guarded<jlong>(env, 0, [&] { return handleOf(tensorAt(handle).expand(longsOf(env, shape))); });
}

CODI_NATIVE(jlong, torchUnsqueeze)(JNIEnv* env, jobject, jlong handle, jlong dim) {
  return unary(env, handle, [&](const at::Tensor& t) { return t.unsqueeze(dim); });
}

CODI_NATIVE(jlong, torchSqueeze__J)(JNIEnv* env, jobject, jlong handle) {
  return unary(env, handle, [](const at::Tensor& t) { return t.squeeze(); });
}

CODI_NATIVE(jlong, torchSqueeze__JJ)(JNIEnv* env, jobject, jlong handle, jlong dim) {
  return unary(env, handle, [&](const at::Tensor& t) { return t.squeeze(dim); });
}

CODI_NATIVE(jlong, torchCat)(JNIEnv* env, jobject, jlongArray handles, jlong dim) {
  return guarded<jlong>(env, 0, [&] { return handleOf(at::cat(tensorsOf(env, handles), dim)); });
}

CODI_NATIVE(jlong, torchStack)(JNIEnv* env, jobject, jlongArray handles, jlong dim) {
  return guarded<jlong>(env, 0, [&] { return handleOf(at::stack(tensorsOf(env, handles), dim)); });
}

// Equal parts of `size` along dim, the last one shorter if it must be.
CODI_NATIVE(jlongArray, torchSplit__JJJ)(JNIEnv* env, jobject, jlong handle, jlong size, jlong dim) {
  return guarded<jlongArray>(env, nullptr, [&] { return handlesOf(env, tensorAt(handle).split(size, dim)); });
}

// Split before each of the given indices (NumPy's array_split with indices).
CODI_NATIVE(jlongArray, torchSplit__J_3JJ)(JNIEnv* env, jobject, jlong handle, jlongArray indices, jlong dim) {
  return guarded<jlongArray>(env, nullptr, [&] {
    return handlesOf(env, at::tensor_split(tensorAt(handle), longsOf(env, indices), dim));
  });
}

CODI_NATIVE(jlong, torchRepeatInterleave)(JNIEnv* env, jobject, jlong handle, jlong repeats, jlong dim) {
  return unary(env, handle, [&](const at::Tensor& t) { return t.repeat_interleave(repeats, dim); });
}

// ---- arithmetic ---------------------------------------------------------------------------------

CODI_NATIVE(jlong, torchAdd)(JNIEnv* env, jobject, jlong self, jlong other) {
  return binary(env, self, other, [](const at::Tensor& a, const at::Tensor& b) { return a.add(b); });
}

CODI_NATIVE(jlong, torchSub)(JNIEnv* env, jobject, jlong self, jlong other) {
  return binary(env, self, other, [](const at::Tensor& a, const at::Tensor& b) { return a.sub(b); });
}

CODI_NATIVE(jlong, torchMul)(JNIEnv* env, jobject, jlong self, jlong other) {
  return binary(env, self, other, [](const at::Tensor& a, const at::Tensor& b) { return a.mul(b); });
}

CODI_NATIVE(jlong, torchTrueDivide)(JNIEnv* env, jobject, jlong self, jlong other) {
  return binary(env, self, other, [](const at::Tensor& a, const at::Tensor& b) { return at::true_divide(a, b); });
}

CODI_NATIVE(jlong, torchMaximum)(JNIEnv* env, jobject, jlong self, jlong other) {
  return binary(env, self, other, [](const at::Tensor& a, const at::Tensor& b) { return at::maximum(a, b); });
}

CODI_NATIVE(jlong, torchGt)(JNIEnv* env, jobject, jlong self, jlong other) {
  return binary(env, self, other, [](const at::Tensor& a, const at::Tensor& b) { return a.gt(b); });
}

CODI_NATIVE(jlong, torchMatmul)(JNIEnv* env, jobject, jlong self, jlong other) {
  return binary(env, self, other, [](const at::Tensor& a, const at::Tensor& b) { return a.matmul(b); });
}

CODI_NATIVE(jlong, torchSigmoid)(JNIEnv* env, jobject, jlong handle) {
  return unary(env, handle, [](const at::Tensor& t) { return t.sigmoid(); });
}

CODI_NATIVE(jlong, torchSin)(JNIEnv* env, jobject, jlong handle) {
  return unary(env, handle, [](const at::Tensor& t) { return t.sin(); });
}

CODI_NATIVE(jlong, torchCos)(JNIEnv* env, jobject, jlong handle) {
  return unary(env, handle, [](const at::Tensor& t) { return t.cos(); });
}

CODI_NATIVE(jlong, torchSqrt)(JNIEnv* env, jobject, jlong handle) {
  return unary(env, handle, [](const at::Tensor& t) { return t.sqrt(); });
}

CODI_NATIVE(jlong, torchSquare)(JNIEnv* env, jobject, jlong handle) {
  return unary(env, handle, [](const at::Tensor& t) { return t.square(); });
}

// ---- reductions ---------------------------------------------------------------------------------

CODI_NATIVE(jlong, torchSum__J)(JNIEnv* env, jobject, jlong handle) {
  return unary(env, handle, [](const at::Tensor& t) { return t.sum(); });
}

CODI_NATIVE(jlong, torchSum__J_3JZ)(JNIEnv* env, jobject, jlong handle, jlongArray dims, jboolean keepDim) {
  return guarded<jlong>(env, 0, [&] { return handleOf(tensorAt(handle).sum(longsOf(env, dims), keepDim == JNI_TRUE)); });
}

CODI_NATIVE(jlong, torchMean__J)(JNIEnv* env, jobject, jlong handle) {
  return unary(env, handle, [](const at::Tensor& t) { return t.mean(); });
}

CODI_NATIVE(jlong, torchMean__JJZ)(JNIEnv* env, jobject, jlong handle, jlong dim, jboolean keepDim) {
  return unary(env, handle, [&](const at::Tensor& t) { return t.mean(dim, keepDim == JNI_TRUE); });
}

CODI_NATIVE(jlong, torchSoftmax)(JNIEnv* env, jobject, jlong handle, jlong dim, jint dataType) {
  return unary(env, handle, [&](const at::Tensor& t) { return t.softmax(dim, scalarTypeOf(dataType)); });
}

// ---- neural-network functions -------------------------------------------------------------------

// A bias handle of 0 means no bias; libtorch reads an undefined tensor as none.
CODI_NATIVE(jlong, torchNNLinear)(JNIEnv* env, jobject, jlong input, jlong weight, jlong bias) {
  return guarded<jlong>(env, 0, [&] {
    const at::Tensor biasTensor = bias == 0 ? at::Tensor() : tensorAt(bias);
    return handleOf(at::linear(tensorAt(input), tensorAt(weight), biasTensor));
  });
}

CODI_NATIVE(jlong, torchNNConvNd)(JNIEnv* env, jobject, jlong input, jlong weight, jlong bias, jlongArray stride,
    jlongArray padding, jlongArray dilation, jint groups) {
  return guarded<jlong>(env, 0, [&] {
    const at::Tensor biasTensor = bias == 0 ? at::Tensor() : tensorAt(bias);
    const auto strides = longsOf(env, stride);
    const auto paddings = longsOf(env, padding);
    const auto dilations = longsOf(env, dilation);
    const at::Tensor& x = tensorAt(input);
    const at::Tensor& w = tensorAt(weight);
    switch (w.dim()) {
      case 3: return handleOf(at::conv1d(x, w, biasTensor, strides, paddings, dilations, groups));
      case 4: return handleOf(at::conv2d(x, w, biasTensor, strides, paddings, dilations, groups));
      case 5: return handleOf(at::conv3d(x, w, biasTensor, strides, paddings, dilations, groups));
      default: throw std::invalid_argument("convolution weight of rank " + std::to_string(w.dim()));
    }
  });
}

CODI_NATIVE(jlong, torchNNOneHot)(JNIEnv* env, jobject, jlong handle, jint depth) {
  return unary(env, handle, [&](const at::Tensor& t) { return at::one_hot(t, depth); });
}
