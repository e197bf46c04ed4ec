// The memory of a CPU tensor, for the few loops written by hand (DirectSampling, InkedPixels, SinglePassAdam). TorchSharp keeps its data
// pointer internal, so this goes through LibTorchSharp's own export, resolved from the library TorchSharp loaded.
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Attend.Runtime;

public static class TensorData
{
    static readonly unsafe delegate* unmanaged<IntPtr, IntPtr> DataPointer = Resolve();

    static unsafe delegate* unmanaged<IntPtr, IntPtr> Resolve()
    {
        var library = NativeLibrary.Load("LibTorchSharp", typeof(torch).Assembly, null);
        return (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(library, "THSTensor_data");
    }

    /// <summary>The address of the first element of a contiguous CPU tensor of element type <typeparamref name="T"/>
    /// (float for float32, double for float64). The tensor must stay alive and unchanged in place while it is used.</summary>
    public static unsafe T* Pointer<T>(Tensor t) where T : unmanaged
    {
        var expected = typeof(T) == typeof(float) ? ScalarType.Float32
            : typeof(T) == typeof(double) ? ScalarType.Float64
            : throw new ArgumentException($"no tensor element type for {typeof(T).Name}");
        if (t.device_type != DeviceType.CPU || t.dtype != expected || !t.is_contiguous())
            throw new ArgumentException($"expected a contiguous {expected} CPU tensor, got {t.dtype} on {t.device} " +
                                        $"(contiguous: {t.is_contiguous()})");
        var ptr = DataPointer(t.Handle);
        if (ptr == IntPtr.Zero && t.numel() > 0) throw new InvalidOperationException("LibTorchSharp returned no data pointer");
        return (T*)ptr;
    }
}
