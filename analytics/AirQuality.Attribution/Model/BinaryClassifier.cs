using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using Microsoft.ML.Transforms;

namespace AirQuality.Attribution.Model;

/// <summary>
/// A binary classifier trained with Microsoft.ML on a named feature vector: one of three trainers, its raw scores
/// calibrated into probabilities on out-of-fold predictions (Platt), and per-prediction feature contributions.
/// </summary>
/// <remarks>
/// Missing evidence is <see cref="double.NaN"/>. LightGbm takes it as missing natively; logistic regression and FastTree
/// get the mean in its place plus a "missing" indicator per feature, so that not measured never reads as a value.
/// Calibration is fitted on scores of models that did not see the rows (folds by world), so the probabilities hold
/// on days the model has never seen rather than on the ones it was fitted to.
/// </remarks>
public sealed class BinaryClassifier
{
    public const string LogisticRegression = "lbfgs_logistic_regression";
    public const string FastTree = "fast_tree";
    public const string LightGbm = "light_gbm";

    public static readonly IReadOnlyList<string> Trainers = [LogisticRegression, FastTree, LightGbm];

    const string Input = "Input";
    const int Seed = 1;

    readonly MLContext _ml = new(seed: Seed);
    readonly ITransformer _model;
    readonly PredictionEngine<Row, Output> _engine;
    readonly PredictionEngine<Row, ScoreOnly> _scorer;
    readonly string[] _inputNames;
    readonly Lock _lock = new();

    BinaryClassifier(string trainer, IReadOnlyList<string> features, ITransformer model, double slope, double offset)
    {
        Trainer = trainer;
        Features = features;
        _model = model;
        (Slope, Offset) = (slope, offset);
        _inputNames = trainer == LightGbm ? [.. features] : [.. features, .. features.Select(f => $"{f} (missing)")];
        _engine = _ml.Model.CreatePredictionEngine<Row, Output>(model, inputSchemaDefinition: Schema(features.Count));
        // Scoring alone skips the contributions, which cost more than the score itself (a walk of every tree per feature).
        var scorer = model is TransformerChain<ITransformer> chain ? new TransformerChain<ITransformer>([.. chain.SkipLast(1)]) : model;
        _scorer = _ml.Model.CreatePredictionEngine<Row, ScoreOnly>(scorer, inputSchemaDefinition: Schema(features.Count));
    }

    public string Trainer { get; }

    /// <summary>The feature names, in the order of the vector.</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>The out-of-fold Platt calibration: p = 1 / (1 + exp(Slope · score + Offset)), as ML.NET's <see cref="PlattCalibrator"/> computes it (its slope comes out negative).</summary>
    public double Slope { get; }

    public double Offset { get; }

    /// <summary>Calibrated probability of the positive class.</summary>
    public double Probability(ReadOnlySpan<double> features)
    {
        var row = ToRow(features);
        lock (_lock)
        {
            return Calibrate(_scorer.Predict(row).Score);
        }
    }

    /// <summary>
    /// Each feature's push on the raw score for this prediction, largest first. What was not measured pushes as
    /// "feature (missing)", never under the feature's own name, so no explanation can cite it as evidence.
    /// </summary>
    public IReadOnlyList<(string Feature, double Contribution)> Contributions(ReadOnlySpan<double> features)
    {
        var missing = features.ToArray().Select(double.IsNaN).ToArray();
        var output = Predict(features);
        return [.. output.FeatureContributions
            .Select((c, i) => (Name: i < missing.Length && missing[i] ? $"{_inputNames[i]} (missing)" : _inputNames[i], Contribution: (double)c))
            .Where(c => c.Contribution != 0)
            .GroupBy(c => c.Name, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(c => c.Contribution)))
            .OrderByDescending(c => c.Item2)];
    }

    double Calibrate(double score) => 1 / (1 + Math.Exp(Slope * score + Offset));

    Output Predict(ReadOnlySpan<double> features)
    {
        var row = ToRow(features);
        lock (_lock)
        {
            return _engine.Predict(row);
        }
    }

    Row ToRow(ReadOnlySpan<double> features)
    {
        if (features.Length != Features.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(features), features.Length, $"The model expects {Features.Count} features.");
        }

        var row = new Row { Features = new float[features.Length] };
        for (var i = 0; i < features.Length; i++)
        {
            row.Features[i] = (float)features[i];
        }

        return row;
    }

    /// <summary>
    /// Fits <paramref name="trainer"/> on every row; calibrates it on out-of-fold scores (a model per fold, fitted on
    /// the other folds); returns it with each row's calibrated out-of-fold probability, which stacking and threshold
    /// choice use as the model's word on rows it did not see.
    /// </summary>
    public static (BinaryClassifier Model, double[] OutOfFold) Fit(string trainer, IReadOnlyList<string> features, IReadOnlyList<double[]> rows, IReadOnlyList<bool> labels, IReadOnlyList<int> folds)
    {
        if (rows.Count == 0 || rows.Count != labels.Count || rows.Count != folds.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows.Count, "Training needs at least one row, and a label and a fold for each.");
        }

        var ml = new MLContext(seed: Seed);
        var scores = new double[rows.Count];
        foreach (var fold in folds.Distinct().Order())
        {
            var train = Enumerable.Range(0, rows.Count).Where(i => folds[i] != fold).ToArray();
            var test = Enumerable.Range(0, rows.Count).Where(i => folds[i] == fold).ToArray();
            if (train.Length == 0 || train.All(i => labels[i] == labels[train[0]]))
            {
                continue; // one fold alone, or one class: the rows keep a score of 0 and calibration does not learn from them
            }

            var model = FitRaw(ml, trainer, features.Count, Data(ml, features.Count, train.Select(i => rows[i]), train.Select(i => labels[i])));
            var predicted = model.Transform(Data(ml, features.Count, test.Select(i => rows[i]), test.Select(i => labels[i])));
            var foldScores = predicted.GetColumn<float>("Score").ToArray();
            for (var k = 0; k < test.Length; k++)
            {
                scores[test[k]] = foldScores[k];
            }
        }

        var calibrationData = ml.Data.LoadFromEnumerable(scores.Select((s, i) => new Scored { Label = labels[i], Score = (float)s }));
        var platt = ((IPredictionTransformer<PlattCalibrator>)ml.BinaryClassification.Calibrators.Platt().Fit(calibrationData)).Model;
        var full = FitRaw(ml, trainer, features.Count, Data(ml, features.Count, rows, labels));
        var classifier = new BinaryClassifier(trainer, features, full, platt.Slope, platt.Offset);
        return (classifier, [.. scores.Select(classifier.Calibrate)]);
    }

    /// <summary>
    /// Fits each of <paramref name="trainers"/> and keeps the one whose calibrated out-of-fold probabilities have the
    /// lowest log loss; returns it, its out-of-fold probabilities, and every trainer's log loss.
    /// </summary>
    public static (BinaryClassifier Model, double[] OutOfFold, IReadOnlyDictionary<string, double> LogLoss) FitBest(
        IReadOnlyList<string> trainers, IReadOnlyList<string> features, IReadOnlyList<double[]> rows, IReadOnlyList<bool> labels, IReadOnlyList<int> folds)
    {
        var losses = new Dictionary<string, double>(StringComparer.Ordinal);
        (BinaryClassifier Model, double[] OutOfFold)? best = null;
        foreach (var trainer in trainers)
        {
            var fitted = Fit(trainer, features, rows, labels, folds);
            losses[trainer] = Math.Round(LogLoss(fitted.OutOfFold, labels), 5);
            if (best is null || losses[trainer] < losses[best.Value.Model.Trainer])
            {
                best = fitted;
            }
        }

        return best is { } b ? (b.Model, b.OutOfFold, losses) : throw new ArgumentOutOfRangeException(nameof(trainers), "Name at least one trainer.");
    }

    /// <summary>Mean negative log-likelihood of the labels under the probabilities (clipped away from 0 and 1).</summary>
    public static double LogLoss(IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels) =>
        probabilities.Select((p, i) => -Math.Log(Math.Clamp(labels[i] ? p : 1 - p, 1e-6, 1))).Average();

    /// <summary>Saves the fitted pipeline (featurising, trainer, contributions) as an ML.NET model file.</summary>
    public void Save(string path)
    {
        using var stream = File.Create(path);
        _ml.Model.Save(_model, _ml.Data.LoadFromEnumerable(Array.Empty<Row>(), Schema(Features.Count)).Schema, stream);
    }

    /// <summary>Loads a pipeline saved by <see cref="Save"/> with the calibration and feature names its sidecar recorded.</summary>
    public static BinaryClassifier Load(string path, string trainer, IReadOnlyList<string> features, double slope, double offset)
    {
        var ml = new MLContext(seed: Seed);
        using var stream = File.OpenRead(path);
        return new BinaryClassifier(trainer, features, ml.Model.Load(stream, out _), slope, offset);
    }

    static TransformerChain<ITransformer> FitRaw(MLContext ml, string trainer, int width, IDataView data) => trainer switch
    {
        LogisticRegression => WithContributions(ml, data, width * 2, Imputed(ml).Append(ml.Transforms.NormalizeMeanVariance(Input)),
            ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                FeatureColumnName = Input, L2Regularization = 1, L1Regularization = 0, NumberOfThreads = 1,
            })),
        // FastTree sends NaN down one fixed side of every split (a missing signal read as a low one), so it gets the same
        // stand-in and indicators as the regression; LightGbm learns where missing values go.
        FastTree => WithContributions(ml, data, width * 2, Imputed(ml),
            ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
            {
                FeatureColumnName = Input, NumberOfTrees = 200, NumberOfLeaves = 16, MinimumExampleCountPerLeaf = 20, LearningRate = 0.1,
                NumberOfThreads = 1, Seed = Seed,
            })),
        LightGbm => WithContributions(ml, data, width, ml.Transforms.CopyColumns(Input, "Features"),
            ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                FeatureColumnName = Input, NumberOfIterations = 200, NumberOfLeaves = 16, MinimumExampleCountPerLeaf = 20, LearningRate = 0.1,
                NumberOfThreads = 1, Seed = Seed, Silent = true,
            })),
        _ => throw new ArgumentOutOfRangeException(nameof(trainer), trainer, $"The trainer must be one of {string.Join(", ", Trainers)}."),
    };

    /// <summary>Missing values replaced by the feature's mean, with a 0/1 "missing" indicator per feature beside them.</summary>
    static EstimatorChain<ColumnConcatenatingTransformer> Imputed(MLContext ml) =>
        ml.Transforms.IndicateMissingValues("Missing", "Features")
            .Append(ml.Transforms.Conversion.ConvertType("MissingF", "Missing", DataKind.Single))
            .Append(ml.Transforms.ReplaceMissingValues("Filled", "Features", MissingValueReplacingEstimator.ReplacementMode.Mean))
            .Append(ml.Transforms.Concatenate(Input, "Filled", "MissingF"));

    static TransformerChain<ITransformer> WithContributions<TModel>(MLContext ml, IDataView data, int inputs, IEstimator<ITransformer> featurize,
        IEstimator<ISingleFeaturePredictionTransformer<CalibratedModelParametersBase<TModel, PlattCalibrator>>> trainer)
        where TModel : class, ICalculateFeatureContribution
    {
        var prepare = featurize.Fit(data);
        var prepared = prepare.Transform(data);
        var predictor = trainer.Fit(prepared);
        var contributions = ml.Transforms.CalculateFeatureContribution(predictor, numberOfPositiveContributions: inputs, numberOfNegativeContributions: inputs, normalize: false)
            .Fit(predictor.Transform(prepared));
        return new TransformerChain<ITransformer>(prepare, predictor, contributions);
    }

    static IDataView Data(MLContext ml, int width, IEnumerable<double[]> rows, IEnumerable<bool> labels) =>
        ml.Data.LoadFromEnumerable(rows.Zip(labels, (x, y) => new Row { Label = y, Features = [.. x.Select(v => (float)v)] }), Schema(width));

    static SchemaDefinition Schema(int width)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return schema;
    }

    sealed class Row
    {
        public bool Label { get; set; }

        public float[] Features { get; set; } = [];
    }

    sealed class Scored
    {
        public bool Label { get; set; }

        public float Score { get; set; }
    }

    sealed class ScoreOnly
    {
        public float Score { get; set; }
    }

    sealed class Output
    {
        public float Score { get; set; }

        public float[] FeatureContributions { get; set; } = [];
    }
}
