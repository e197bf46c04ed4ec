// Maps a .safetensors file (8-byte little-endian header length, a JSON header naming each
// tensor's dtype, shape and byte range, then the raw little-endian data) to named tensors and
// back. Written by hand: TorchSharp has no safetensors support and no maintained .NET package
// for the format is available here; the format is small and fully specified.
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Attend.Weights;

public sealed class SafeTensorsFormatException(string file, string message) : Exception($"{file}: {message}");

public static class SafeTensors
{
    static readonly Dictionary<string, (ScalarType Type, int Size)> DTypes = new()
    {
        ["F64"] = (ScalarType.Float64, 8), ["F32"] = (ScalarType.Float32, 4), ["F16"] = (ScalarType.Float16, 2),
        ["BF16"] = (ScalarType.BFloat16, 2), ["I64"] = (ScalarType.Int64, 8), ["I32"] = (ScalarType.Int32, 4),
        ["I16"] = (ScalarType.Int16, 2), ["I8"] = (ScalarType.Int8, 1), ["U8"] = (ScalarType.Byte, 1), ["BOOL"] = (ScalarType.Bool, 1),
    };

    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no safetensors file at {path}", path);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw new SafeTensorsFormatException(path, "shorter than the 8-byte header length");
        ulong headerLength = BitConverter.ToUInt64(bytes, 0);
        if (headerLength > (ulong)bytes.Length - 8)
            throw new SafeTensorsFormatException(path, $"header length {headerLength} runs past the end of the file ({bytes.Length} bytes)");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength)) as JsonObject
                     ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException(path, $"header is not valid JSON: {e.Message}");
        }
        long dataStart = 8 + (long)headerLength;
        long dataLength = bytes.Length - dataStart;
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__") continue;
            try
            {
                string dtype = node?["dtype"]?.GetValue<string>() ?? throw new FormatException("no dtype");
                if (!DTypes.TryGetValue(dtype, out var t)) throw new FormatException($"dtype {dtype} is not supported");
                long[] shape = node["shape"]?.AsArray().Select(x => x!.GetValue<long>()).ToArray() ?? throw new FormatException("no shape");
                var offsets = node["data_offsets"]?.AsArray().Select(x => x!.GetValue<long>()).ToArray()
                              ?? throw new FormatException("no data_offsets");
                if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
                    throw new FormatException($"data_offsets [{string.Join(", ", offsets)}] fall outside the {dataLength}-byte data section");
                long expected = shape.Aggregate(1L, (a, b) => a * b) * t.Size;
                if (offsets[1] - offsets[0] != expected)
                    throw new FormatException(
                        $"shape [{string.Join(", ", shape)}] of {dtype} needs {expected} bytes, data_offsets give {offsets[1] - offsets[0]}");
                result[name] = FromBytes(new ReadOnlySpan<byte>(bytes, (int)(dataStart + offsets[0]), (int)expected), dtype, shape);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                foreach (var r in result.Values) r.Dispose();
                throw new SafeTensorsFormatException(path, $"tensor \"{name}\": {e.Message}");
            }
        }
        return result;
    }

    /// <summary>Writes tensors (contiguous, little-endian, in name order) atomically.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var header = new JsonObject();
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, t) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            string dtype = DTypes.FirstOrDefault(kv => kv.Value.Type == t.dtype).Key
                           ?? throw new ArgumentException($"tensor {name}: dtype {t.dtype} cannot be stored");
            byte[] blob = ToBytes(t, dtype);
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(t.shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + blob.Length),
            };
            blobs.Add(blob);
            offset += blob.Length;
        }
        byte[] headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        Data.AtomicFile.Write(path, s =>
        {
            s.Write(BitConverter.GetBytes((ulong)headerBytes.Length));
            s.Write(headerBytes);
            foreach (var b in blobs) s.Write(b);
        });
    }

    static Tensor FromBytes(ReadOnlySpan<byte> b, string dtype, long[] shape) => dtype switch
    {
        "F64" => tensor(MemoryMarshal.Cast<byte, double>(b).ToArray(), shape),
        "F32" => tensor(MemoryMarshal.Cast<byte, float>(b).ToArray(), shape),
        "F16" => tensor(MemoryMarshal.Cast<byte, Half>(b).ToArray().Select(h => (float)h).ToArray(), shape).to_type(ScalarType.Float16),
        "BF16" => tensor(MemoryMarshal.Cast<byte, ushort>(b).ToArray().Select(u => BitConverter.Int32BitsToSingle(u << 16)).ToArray(), shape)
                  .to_type(ScalarType.BFloat16),
        "I64" => tensor(MemoryMarshal.Cast<byte, long>(b).ToArray(), shape),
        "I32" => tensor(MemoryMarshal.Cast<byte, int>(b).ToArray(), shape),
        "I16" => tensor(MemoryMarshal.Cast<byte, short>(b).ToArray(), shape),
        "I8" => tensor(MemoryMarshal.Cast<byte, sbyte>(b).ToArray(), shape),
        "U8" => tensor(b.ToArray(), shape),
        "BOOL" => tensor(b.ToArray().Select(x => x != 0).ToArray(), shape),
        _ => throw new FormatException($"dtype {dtype} is not supported"),
    };

    static byte[] ToBytes(Tensor t, string dtype)
    {
        using var flat = t.detach().cpu().contiguous().flatten();
        return dtype switch
        {
            "F64" => MemoryMarshal.AsBytes(flat.data<double>().ToArray().AsSpan()).ToArray(),
            "F32" => MemoryMarshal.AsBytes(flat.data<float>().ToArray().AsSpan()).ToArray(),
            "F16" => MemoryMarshal.AsBytes(flat.to_type(ScalarType.Float32).data<float>().ToArray()
                                               .Select(f => (Half)f).ToArray().AsSpan()).ToArray(),
            "BF16" => MemoryMarshal.AsBytes(flat.to_type(ScalarType.Float32).data<float>().ToArray()
                                                .Select(f => (ushort)(BitConverter.SingleToInt32Bits(f) >> 16)).ToArray().AsSpan()).ToArray(),
            "I64" => MemoryMarshal.AsBytes(flat.data<long>().ToArray().AsSpan()).ToArray(),
            "I32" => MemoryMarshal.AsBytes(flat.data<int>().ToArray().AsSpan()).ToArray(),
            "I16" => MemoryMarshal.AsBytes(flat.data<short>().ToArray().AsSpan()).ToArray(),
            "I8" => MemoryMarshal.AsBytes(flat.data<sbyte>().ToArray().AsSpan()).ToArray(),
            "U8" => flat.data<byte>().ToArray(),
            "BOOL" => flat.data<bool>().ToArray().Select(x => (byte)(x ? 1 : 0)).ToArray(),
            _ => throw new ArgumentException($"dtype {dtype} cannot be stored"),
        };
    }

    /// <summary>Copies tensors into a module's parameters and buffers of the same names (after
    /// <paramref name="prefix"/>); every parameter and buffer of the module must be found with
    /// its shape. Returns the names in the file that the module does not have.</summary>
    public static List<string> LoadInto(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, string prefix = "")
    {
        var state = module.state_dict();
        var problems = new List<string>();
        foreach (var (name, target) in state)
        {
            if (!tensors.TryGetValue(prefix + name, out var source)) { problems.Add($"missing {prefix + name}"); continue; }
            if (!source.shape.SequenceEqual(target.shape))
                problems.Add($"{prefix + name}: shape [{string.Join(", ", source.shape)}], the model has [{string.Join(", ", target.shape)}]");
        }
        if (problems.Count > 0)
            throw new ArgumentException(
                $"weights do not fit the model: {string.Join("; ", problems.Take(8))}{(problems.Count > 8 ? $"; … {problems.Count - 8} more" : "")}");
        using (no_grad())
            foreach (var (name, target) in state)
                target.copy_(tensors[prefix + name].to(target.dtype));
        return tensors.Keys.Where(k => !k.StartsWith(prefix) || !state.ContainsKey(k[prefix.Length..])).ToList();
    }
}
