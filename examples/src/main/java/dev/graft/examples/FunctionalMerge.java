package dev.graft.examples;

import static dev.graft.dsl.Graft.*;

import dev.graft.dsl.Model;
import java.util.List;

/**
 * Seed example 1: two models (an image CNN and a text LSTM) used as blocks of a new model through
 * the functional API. Prints the summary (3,998,337 parameters, as in Keras).
 */
public final class FunctionalMerge {
  private FunctionalMerge() {}

  /**
   * Builds the merged model and prints its summary.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    build().summary();
  }

  /**
   * The merged model, compiled.
   *
   * @return the model, untrained
   */
  public static Model build() {
    var inputImage = input(64, 64, 3);
    var x = conv2d(32, 3).activation("relu").on(inputImage);
    x = maxPooling2d().on(x);
    x = flatten().on(x);
    Model modelImage = model(inputImage, dense(128).activation("relu").on(x));

    var inputText = input(100);
    var t = embedding(1000, 32).on(inputText);
    t = lstm(32).on(t);
    Model modelText = model(inputText, dense(128).activation("relu").on(t));

    var imageIn = input("image_input", 64, 64, 3);
    var textIn = input("text_input", 100);
    var merged = concatenate(modelImage.on(imageIn), modelText.on(textIn));
    merged = dense(64).activation("relu").on(merged);
    var finalOutput = dense(1).activation("sigmoid").on(merged);
    Model mergedModel = model(List.of(imageIn, textIn), finalOutput);
    mergedModel.compile(adam(), "binary_crossentropy", "accuracy");
    return mergedModel;
  }
}
