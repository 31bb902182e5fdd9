"""The parts of a dataset's quality score, each a pure function of what the dataset publishes (mqa.py: the EU MQA)."""
