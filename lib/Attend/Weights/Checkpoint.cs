// Maps a model, its optimizer and where training stands (epoch, best test accuracy) to one
// checkpoint file and back. The file is written to a temporary name and renamed into place,
// so a crash mid-save leaves the previous checkpoint intact.
using System.Text;
using System.Text.Json;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Attend.Weights;

public sealed record CheckpointInfo(int Epoch, double BestTestAccuracy, string Note);

public static class Checkpoint
{
    const string Magic = "ATTEND-CHECKPOINT-1";

    public static void Save(string path, nn.Module model, OptimizerHelper optimizer, CheckpointInfo info)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(JsonSerializer.Serialize(info));
            model.save(w);
            optimizer.save_state_dict(w);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Data.AtomicFile.WriteAllBytes(path, buffer.ToArray());
    }

    /// <summary>Restores the model's and the optimizer's state; returns where training stood.</summary>
    public static CheckpointInfo Load(string path, nn.Module model, OptimizerHelper optimizer)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no checkpoint at {path}", path);
        using var r = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        try
        {
            if (r.ReadString() != Magic) throw new InvalidDataException("not a checkpoint written by this library");
            var info = JsonSerializer.Deserialize<CheckpointInfo>(r.ReadString()) ?? throw new InvalidDataException("empty checkpoint header");
            model.load(r);
            optimizer.load_state_dict(r);
            return info;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or JsonException or ArgumentException)
        {
            throw new InvalidDataException($"checkpoint {path} is corrupt or does not match the model: {e.Message}", e);
        }
    }
}
