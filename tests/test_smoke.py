def test_home_page_answers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Enhancing a victim-centred approach" in response.get_data(as_text=True)
