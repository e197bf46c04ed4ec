// Maps a scale-and-shift transform given as z_where = (s, x, y) to bilinear sampling computed directly, pixel by
// pixel, over only the part of the output that the source covers (a pasted window's footprint on the canvas).
// It is affine_grid + grid_sample with θ = [[s, 0, x], [0, s, y]] and zero padding, value for value (to float
// rounding), forward and backward (to the source and to z_where).
//
// Written by hand because no operation libtorch serves does this cheaply: grid_sample's backward pass scatters
// its gradient, and the separable form (SeparableSampling) multiplies whole interpolation matrices, mostly zeros.
// AIR's crop and paste of a batch with their backward pass take well under half the separable form's time (bench air
// times them all three ways). CPU tensors of float32 or float64 only; ZWhere sends any other tensor to the separable
// form.
using System.Numerics;
using System.Runtime.CompilerServices;
using Attend.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Attend.Spatial;

/// <summary>How ZWhere's crop and paste sample: three forms of the same bilinear sampling.</summary>
public enum WhereSampling
{
    /// <summary>affine_grid + grid_sample (the AIR notes' form).</summary>
    GridSample,
    /// <summary>Two small matrix products, R_y · x · R_xᵀ (<see cref="SeparableSampling"/>).</summary>
    Separable,
    /// <summary>Pixel by pixel over the covered part of the output (<see cref="DirectSampling"/>).</summary>
    Direct,
}

public static class DirectSampling
{
    /// <summary>True when <see cref="Sample"/> computes for these tensors (CPU, float32 or float64, one dtype).</summary>
    public static bool Handles(Tensor source, Tensor zWhere) =>
        source.device_type == DeviceType.CPU && zWhere.device_type == DeviceType.CPU && source.dtype == zWhere.dtype
        && source.dtype is ScalarType.Float32 or ScalarType.Float64;

    /// <summary>Samples <paramref name="source"/> [B, C, h, w] on an output grid [B, C, outH, outW] whose normalised
    /// coordinates (u, v) map to source coordinates (s·u + x, s·v + y), with (s, x, y) = z_where [B, 3]
    /// (AIR's paste). With <paramref name="inverse"/>, the map is z_where's inverse, (u − x, v − y)/(s + 10⁻⁹) (AIR's
    /// crop, with the AIR notes' guard on s).</summary>
    public static Tensor Sample(Tensor source, Tensor zWhere, int outH, int outW, bool alignCorners, bool inverse)
    {
        Shapes.Require(source, "source images", -1, -1, -1, -1);
        Shapes.Require(zWhere, "z_where (s, x, y)", source.shape[0], 3);
        Check(source, zWhere, outH, outW);
        return DirectSamplingFunction.apply(source, zWhere, null!, new Grid(outH, outW, alignCorners, inverse, source.shape[0]));
    }

    /// <summary>AIR's canvas: N steps' windows [N, B, C, h, w] pasted at z_where [N, B, 3] and summed with weights
    /// <paramref name="presence"/> [N, B] (z_pres): [B, C, canvasH, canvasW] = Σ_n presence[n, b]·paste(window[n, b]), in one
    /// pass, without the N pasted canvases; a window of weight 0 costs nothing. The gradient reaches windows, z_where and
    /// (where it requires one) the weights.</summary>
    public static Tensor PasteAndSum(Tensor windows, Tensor zWhere, Tensor presence, int canvasH, int canvasW, bool alignCorners = false)
    {
        Shapes.Require(windows, "windows [N, B, C, h, w]", -1, -1, -1, -1, -1);
        long n = windows.shape[0];
        long b = windows.shape[1];
        Shapes.Require(zWhere, "z_where (s, x, y)", n, b, 3);
        Shapes.Require(presence, "presence", n, b);
        Check(windows, zWhere, canvasH, canvasW);
        if (presence.dtype != windows.dtype || presence.device_type != DeviceType.CPU)
            throw new ArgumentException($"presence must be a CPU tensor of the windows' dtype {windows.dtype}, got {presence.dtype} " +
                                        $"on {presence.device}");
        return DirectSamplingFunction.apply(windows.reshape(n * b, windows.shape[2], windows.shape[3], windows.shape[4]),
                                            zWhere.reshape(n * b, 3), presence.reshape(n * b),
                                            new Grid(canvasH, canvasW, alignCorners, Inverse: false, Targets: b));
    }

    static void Check(Tensor source, Tensor zWhere, int outH, int outW)
    {
        if (outH < 1 || outW < 1) throw new ArgumentException($"output size must be positive, got {outH}×{outW}");
        if (!Handles(source, zWhere))
            throw new ArgumentException($"direct sampling takes CPU float32 or float64 tensors of one dtype, got {source.dtype} on " +
                                        $"{source.device} and z_where {zWhere.dtype} on {zWhere.device}");
    }
}

/// <summary>The output size, how coordinates map (see <see cref="DirectSampling.Sample"/>) and the number of output
/// images: item k of the source goes to output k mod Targets.</summary>
internal sealed record Grid(int OutH, int OutW, bool AlignCorners, bool Inverse, long Targets);

internal sealed class DirectSamplingFunction : autograd.SingleTensorFunction<DirectSamplingFunction>
{
    public override string Name => nameof(DirectSamplingFunction);

    /// <summary>vars: source [K, C, h, w], z_where [K, 3], weights [K] or null, <see cref="Grid"/>.</summary>
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var source = ((Tensor)vars[0]).contiguous();
        var zWhere = ((Tensor)vars[1]).contiguous();
        var weights = (vars[2] as Tensor)?.contiguous();
        var grid = (Grid)vars[3];
        ctx.save_for_backward(weights is null ? new() { source, zWhere } : new() { source, zWhere, weights });
        ctx.save_data("grid", grid);
        ctx.save_data("sourceGradient", ((Tensor)vars[0]).requires_grad);
        ctx.save_data("weightGradient", weights is not null && ((Tensor)vars[2]).requires_grad);
        var output = zeros(new[] { grid.Targets, source.shape[1], grid.OutH, grid.OutW }, dtype: source.dtype);
        if (source.dtype == ScalarType.Float32) DirectSamplingKernel<float>.Forward(source, zWhere, weights, output, grid);
        else DirectSamplingKernel<double>.Forward(source, zWhere, weights, output, grid);
        return output;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var (source, zWhere) = (saved[0], saved[1]);
        var weights = saved.Count > 2 ? saved[2] : null;
        var grid = (Grid)ctx.get_data("grid");
        var gradients = new Gradients(
            (bool)ctx.get_data("sourceGradient") ? zeros_like(source) : null,
            zeros_like(zWhere),
            (bool)ctx.get_data("weightGradient") ? zeros_like(weights!) : null);
        using var g = gradOutput.contiguous();
        if (source.dtype == ScalarType.Float32) DirectSamplingKernel<float>.Backward(source, zWhere, weights, g, gradients, grid);
        else DirectSamplingKernel<double>.Backward(source, zWhere, weights, g, gradients, grid);
        return new() { gradients.Source!, gradients.Where, gradients.Weights!, null! };
    }
}

/// <summary>The gradients a backward pass fills (null: not wanted).</summary>
internal sealed record Gradients(Tensor? Source, Tensor Where, Tensor? Weights);

/// <summary>The loops. Along each axis, output index i has source coordinate p_i; its two taps are ⌊p_i⌋ and ⌊p_i⌋ + 1
/// with weights 1 − f_i and f_i (f_i = p_i − ⌊p_i⌋), taps outside the source count as zeros, as in grid_sample.</summary>
internal static unsafe class DirectSamplingKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    static readonly T Half = T.CreateChecked(0.5);
    static readonly T Guard = T.CreateChecked(1e-9f);   // as ZWhere.Invert adds it, in the tensor's dtype

    /// <summary>The transform per item: output coordinate u ↦ scale·u + shift; GuardedS is s + 10⁻⁹ for the inverse.</summary>
    readonly record struct Map(T Scale, T ShiftX, T ShiftY, T GuardedS)
    {
        public static Map Of(T* z, bool inverse)
        {
            if (!inverse) return new Map(z[0], z[1], z[2], T.One);
            var s = z[0] + Guard;
            return new Map(T.One / s, -z[1] / s, -z[2] / s, s);
        }
    }

    /// <summary>One axis of the output grid for one item. For output index i: the normalised coordinate U[i], the taps'
    /// source indices Low[i] and Low[i] + 1 clamped into the source (High[i]), and their weights, zero for a tap outside
    /// (W0, W1), and 0/1 masks of the taps being inside (In0, In1). [First, Last] holds the outputs with a tap inside.</summary>
    ref struct Axis
    {
        public T* U;
        public int* Low;
        public int* High;
        public T* W0;
        public T* W1;
        public T* In0;
        public T* In1;
        public int First;
        public int Last;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Fill(T scale, T shift, int outN, int inN, bool alignCorners)
        {
            First = outN;
            Last = -1;
            for (int i = 0; i < outN; i++)
            {
                var u = OutputCoordinate(i, outN, alignCorners);
                var p = SourceCoordinate(scale * u + shift, inN, alignCorners);
                var floor = T.Floor(p);
                int low = int.CreateSaturating(floor);
                var f = p - floor;
                bool in0 = low >= 0 && low < inN;
                bool in1 = low >= -1 && low < inN - 1;
                U[i] = u;
                Low[i] = in0 ? low : 0;
                High[i] = in1 ? low + 1 : 0;
                In0[i] = in0 ? T.One : T.Zero;
                In1[i] = in1 ? T.One : T.Zero;
                W0[i] = in0 ? T.One - f : T.Zero;
                W1[i] = in1 ? f : T.Zero;
                if (!in0 && !in1) continue;
                First = Math.Min(First, i);
                Last = i;
            }
        }
    }

    /// <summary>Normalised output coordinate of index i, as affine_grid lays them out.</summary>
    static T OutputCoordinate(int i, int n, bool alignCorners) => alignCorners
        ? (n == 1 ? T.Zero : T.CreateChecked(2 * i) / T.CreateChecked(n - 1) - T.One)
        : T.CreateChecked(2 * i + 1) / T.CreateChecked(n) - T.One;

    /// <summary>Source pixel coordinate of normalised x, as grid_sample unnormalises it.</summary>
    static T SourceCoordinate(T x, int n, bool alignCorners) => alignCorners
        ? (x + T.One) * Half * T.CreateChecked(n - 1)
        : ((x + T.One) * T.CreateChecked(n) - T.One) * Half;

    /// <summary>dp/dx of <see cref="SourceCoordinate"/>.</summary>
    static T CoordinateSlope(int n, bool alignCorners) => T.CreateChecked(alignCorners ? n - 1 : n) * Half;

    // Optimised at once: a tiered start would run the first calls' loops unoptimised.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(Tensor source, Tensor zWhere, Tensor? weights, Tensor output, Grid grid)
    {
        var (k, channels, h, w) = Sizes(source);
        int outH = grid.OutH;
        int outW = grid.OutW;
        T* src = TensorData.Pointer<T>(source);
        T* z = TensorData.Pointer<T>(zWhere);
        T* weight = weights is null ? null : TensorData.Pointer<T>(weights);
        T* dst = TensorData.Pointer<T>(output);
        var rows = NewAxis(stackalloc T[5 * outH], stackalloc int[2 * outH], outH);
        var columns = NewAxis(stackalloc T[5 * outW], stackalloc int[2 * outW], outW);
        for (int n = 0; n < k; n++)
        {
            T wn = weight == null ? T.One : weight[n];
            if (wn == T.Zero) continue;
            Place(z, n, grid, h, w, ref rows, ref columns);
            long target = n % grid.Targets;
            for (int c = 0; c < channels; c++)
            {
                T* plane = src + ((long)n * channels + c) * h * w;
                T* outPlane = dst + (target * channels + c) * outH * outW;
                for (int i = rows.First; i <= rows.Last; i++)
                {
                    T* row0 = plane + rows.Low[i] * w;
                    T* row1 = plane + rows.High[i] * w;
                    T wy0 = rows.W0[i];
                    T wy1 = rows.W1[i];
                    T* o = outPlane + i * outW;
                    for (int j = columns.First; j <= columns.Last; j++)
                    {
                        int c0 = columns.Low[j];
                        int c1 = columns.High[j];
                        T wx0 = columns.W0[j];
                        T wx1 = columns.W1[j];
                        T value = wy0 * (wx0 * row0[c0] + wx1 * row0[c1]) + wy1 * (wx0 * row1[c0] + wx1 * row1[c1]);
                        o[j] += wn * value;   // wn is 1 without weights: the same value
                    }
                }
            }
        }
    }

    /// <summary>The source's items, channels, height and width.</summary>
    static (int Items, int Channels, int H, int W) Sizes(Tensor source) =>
        ((int)source.shape[0], (int)source.shape[1], (int)source.shape[2], (int)source.shape[3]);

    /// <summary>Item n's transform, with both axes' taps filled for it.</summary>
    static Map Place(T* z, int n, Grid grid, int h, int w, ref Axis rows, ref Axis columns)
    {
        var map = Map.Of(z + 3 * n, grid.Inverse);
        rows.Fill(map.Scale, map.ShiftY, grid.OutH, h, grid.AlignCorners);
        columns.Fill(map.Scale, map.ShiftX, grid.OutW, w, grid.AlignCorners);
        return map;
    }

    static Axis NewAxis(Span<T> reals, Span<int> indices, int n)
    {
        // The spans are stack memory of the caller's frame, which outlives the returned view of it.
        fixed (T* r = reals)
        fixed (int* k = indices)
            return new Axis { U = r, W0 = r + n, W1 = r + 2 * n, In0 = r + 3 * n, In1 = r + 4 * n, Low = k, High = k + n };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(Tensor source, Tensor zWhere, Tensor? weights, Tensor gradOutput, Gradients gradients, Grid grid)
    {
        var (k, channels, h, w) = Sizes(source);
        int outH = grid.OutH;
        int outW = grid.OutW;
        T* src = TensorData.Pointer<T>(source);
        T* z = TensorData.Pointer<T>(zWhere);
        T* weight = weights is null ? null : TensorData.Pointer<T>(weights);
        T* g = TensorData.Pointer<T>(gradOutput);
        T* dSrc = gradients.Source is null ? null : TensorData.Pointer<T>(gradients.Source);
        T* dZ = TensorData.Pointer<T>(gradients.Where);
        T* dWeight = gradients.Weights is null ? null : TensorData.Pointer<T>(gradients.Weights);
        T slopeX = CoordinateSlope(w, grid.AlignCorners);
        T slopeY = CoordinateSlope(h, grid.AlignCorners);
        var rows = NewAxis(stackalloc T[5 * outH], stackalloc int[2 * outH], outH);
        var columns = NewAxis(stackalloc T[5 * outW], stackalloc int[2 * outW], outW);
        for (int n = 0; n < k; n++)
        {
            T wn = weight == null ? T.One : weight[n];
            if (wn == T.Zero && dWeight == null) continue;   // no output, so no gradient but the weight's
            var map = Place(z, n, grid, h, w, ref rows, ref columns);
            long target = n % grid.Targets;
            // Gradients of the map's scale and shifts (the transform the grid is sampled with), and of the weight.
            T dScale = T.Zero;
            T dShiftX = T.Zero;
            T dShiftY = T.Zero;
            T dWn = T.Zero;
            for (int c = 0; c < channels; c++)
            {
                long planeOffset = ((long)n * channels + c) * h * w;
                T* plane = src + planeOffset;
                T* gPlane = g + (target * channels + c) * outH * outW;
                for (int i = rows.First; i <= rows.Last; i++)
                {
                    T* row0 = plane + rows.Low[i] * w;
                    T* row1 = plane + rows.High[i] * w;
                    T wy0 = rows.W0[i];
                    T wy1 = rows.W1[i];
                    T in0 = rows.In0[i];
                    T in1 = rows.In1[i];
                    T* go = gPlane + i * outW;
                    T rowX = T.Zero;
                    T rowY = T.Zero;
                    T rowScale = T.Zero;
                    T rowWeight = T.Zero;
                    for (int j = columns.First; j <= columns.Last; j++)
                    {
                        int c0 = columns.Low[j];
                        int c1 = columns.High[j];
                        T m0 = columns.In0[j];
                        T m1 = columns.In1[j];
                        // Tap values, zero outside the source.
                        T v00 = in0 * m0 * row0[c0];
                        T v01 = in0 * m1 * row0[c1];
                        T v10 = in1 * m0 * row1[c0];
                        T v11 = in1 * m1 * row1[c1];
                        T wx0 = columns.W0[j];
                        T wx1 = columns.W1[j];
                        // ∂output/∂p along each axis (p the source coordinate), times the output's gradient.
                        T gx = go[j] * (wy0 * (v01 - v00) + wy1 * (v11 - v10));
                        T gy = go[j] * (wx0 * (v10 - v00) + wx1 * (v11 - v01));
                        rowScale += gx * columns.U[j];
                        rowX += gx;
                        rowY += gy;
                        if (dWeight != null) rowWeight += go[j] * (wy0 * (wx0 * v00 + wx1 * v01) + wy1 * (wx0 * v10 + wx1 * v11));
                    }
                    dScale += slopeX * rowScale + slopeY * rowY * rows.U[i];
                    dShiftX += slopeX * rowX;
                    dShiftY += slopeY * rowY;
                    dWn += rowWeight;
                    if (dSrc != null) AddToSource(dSrc + planeOffset, w, rows.Low[i], rows.High[i], wn * wy0, wn * wy1, go, columns);
                }
            }
            if (dWeight != null) dWeight[n] = dWn;
            T* dz = dZ + 3 * n;
            if (!grid.Inverse)
            {
                dz[0] = wn * dScale;
                dz[1] = wn * dShiftX;
                dz[2] = wn * dShiftY;
                continue;
            }
            // Chain through the inverse: scale = 1/S, shift = −(x, y)/S with S = s + 10⁻⁹.
            T s2 = map.GuardedS * map.GuardedS;
            dz[0] = wn * (-dScale + dShiftX * z[3 * n + 1] + dShiftY * z[3 * n + 2]) / s2;
            dz[1] = wn * -dShiftX / map.GuardedS;
            dz[2] = wn * -dShiftY / map.GuardedS;
        }
    }

    /// <summary>The source's gradient from one output row: each output's gradient goes to its four taps by their weights
    /// (a tap outside the source has weight zero, and its clamped index receives nothing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void AddToSource(T* dPlane, int w, int r0, int r1, T wy0, T wy1, T* go, Axis columns)
    {
        T* d0 = dPlane + r0 * w;
        T* d1 = dPlane + r1 * w;
        for (int j = columns.First; j <= columns.Last; j++)
        {
            T top = go[j] * wy0;
            T bottom = go[j] * wy1;
            d0[columns.Low[j]] += top * columns.W0[j];
            d0[columns.High[j]] += top * columns.W1[j];
            d1[columns.Low[j]] += bottom * columns.W0[j];
            d1[columns.High[j]] += bottom * columns.W1[j];
        }
    }
}
