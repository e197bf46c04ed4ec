// Maps the common knobs of a supervised training run (epochs, batch size, Adam's learning rate,
// seed) to one record; trainers with more knobs have their own settings records.
namespace Attend.Training;

public sealed record TrainingSettings(int Epochs = 10, int BatchSize = 64, double LearningRate = 1e-3, long Seed = 0)
{
    public void Validate()
    {
        if (Epochs < 1 || BatchSize < 1 || LearningRate <= 0) throw new ArgumentException($"invalid training settings {this}");
    }
}
