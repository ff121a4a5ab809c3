// Seed example 2: a subclassed model; call() is traced once into the same graph.
// Run: ./graft-shell examples/jshell/subclassed_merge.jsh
class MergedModel extends Model {
    final Model sequenceModel, featureExtractor;
    final Layer hidden = dense(64).activation("relu");
    final Layer out = dense(1).activation("sigmoid");
    MergedModel(Model sequenceModel, Model featureExtractor) {
        this.sequenceModel = sequenceModel;
        this.featureExtractor = featureExtractor;
    }
    @Override public SymbolicTensor call(List<SymbolicTensor> inputs) {
        var merged = concatenate(sequenceModel.on(inputs.get(0)), featureExtractor.on(inputs.get(1)));
        return out.on(hidden.on(merged));
    }
}
var seqIn = input(200);
Model sequenceModel = model(seqIn, dense(128).activation("relu").on(lstm(64).on(embedding(1000, 64).on(seqIn))));
var featIn = input(10);
Model featureExtractor = model(featIn, dense(128).activation("relu").on(featIn));
var sub = new MergedModel(sequenceModel, featureExtractor);
sub.compile(adam(), "binary_crossentropy", "accuracy");
History h = sub.fit(List.of(Tensor.randint(0, 1000, 100, 200), Tensor.rand(100, 10)),
                    Tensor.randint(0, 2, 100, 1), 2);            // epochs; batch size 32 by default
System.out.println(h);
/exit
